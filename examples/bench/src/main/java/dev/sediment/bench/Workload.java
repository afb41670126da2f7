package dev.sediment.bench;

import java.util.Locale;

/** The store-layer workloads, in the order they run (each leaves the store as the next one expects). */
public enum Workload {
    /** Random put of every key into an empty store; the runs are consecutive slices of the fill. */
    FILL("ops/s"),
    /** putAll batches of 1,000 new keys into a second, empty store. */
    PUT_ALL("ops/s"),
    /** Random put of existing keys: two per key (at most 4M), in consecutive slices like the fill. */
    OVERWRITE("ops/s"),
    /** Random get of existing keys. */
    GET("ops/s"),
    /** Random get of keys that are not in the store. */
    MISSING_GET("ops/s"),
    /** range(random key, null) and 100 nexts; one op is one seek. */
    SEEK_FORWARD("seeks/s"),
    /** reverseRange(null, random key) and 100 nexts. */
    SEEK_REVERSE("seeks/s"),
    /** prefixScan of a random 2-byte prefix, read to its end; one op is one scan. */
    PREFIX_SCAN("scans/s"),
    /** all(), read to the end; the figure is entries per second. */
    FULL_SCAN("entries/s"),
    /** An interactive-query reader thread doing random gets while a writer overwrites; the reader's gets. */
    MIX_READ("ops/s"),
    /** The writer's puts during {@link #MIX_READ}. */
    MIX_WRITE("ops/s"),
    /** The store's registered restore callback fed changelog batches of 1,000 records into a third, empty store. */
    RESTORE("records/s"),
    /**
     * Overwrites of 10 random keys, then {@code commit(offsets)}; one op is one commit, one per 10 keys (at most
     * 200K), in consecutive slices. Kafka Streams 4.4 with transactional stores commits every store each commit
     * interval (100 ms under exactly-once).
     */
    COMMIT("commits/s"),
    /** Random delete of existing keys. */
    DELETE("ops/s");

    private final String unit;

    Workload(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Also "mix" for both mix rows. */
    static Workload parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("MIX")) {
            return MIX_READ;
        }
        return valueOf(n);
    }
}
