package dev.sediment.bench;

import java.util.Locale;

/**
 * The window-store workloads ({@code WindowStore<Bytes, byte[]>}), in the order they run. Records carry event
 * time that only advances, as a windowed aggregation's do: record i updates the tumbling window of key
 * {@code i % keys} that holds time {@code i * step}, so each window of each key is updated a few times and new
 * windows keep opening while retention drops old ones.
 */
public enum WindowWorkload {
    /** put of every record into an empty store, with a commit every {@link WindowBenchChild#COMMIT_EVERY} puts. */
    PUT("ops/s"),
    /** fetch(key, from, to) of a random key over five windows inside retention, read to the end. */
    FETCH("fetches/s"),
    /** fetchAll(from, to) over one window inside retention, read to the end; the figure is entries per second. */
    FETCH_ALL("entries/s"),
    /** The store's registered restore callback fed every record as changelog batches of 1,000 into an empty store. */
    RESTORE("records/s"),
    /**
     * Puts over several retention periods into an empty store; after each period (and a commit) the bytes on disk
     * and the files the store's JVM holds open (beyond those it held just before the store opened).
     */
    RETENTION("MB, files");

    private final String unit;

    WindowWorkload(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    public String label() {
        return "window-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
