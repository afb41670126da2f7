package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.WriteBatch;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Moves a store's files from an older value format to the one it is opened with, once, at open: every value in
 * {@code range} is rewritten by {@code convert}, then {@link Store#commitFormat} records the new format with a
 * commit point in one manifest edit. A commit point is made durable before the rewrite, so a crash in the middle
 * rolls the rewritten values back with the format still the old one, and the next open starts over; a crash after
 * the edit finds the new format and only rewritten values. Writes after the commit point the store was opened
 * at were already rolled back by the open, so the rewrite covers exactly the committed state.
 *
 * <p>Kafka's RocksDB headers stores convert lazily (an old column family read through and emptied as keys are
 * written, old segments served with empty headers); here one pass at open keeps every read path single-format.
 *
 * @param converters per format this upgrade reads, how one value of it becomes a value of the new format
 * @param range      the engine keys holding values (not a store's own metadata keys)
 */
record FormatUpgrade(Map<String, UnaryOperator<byte[]>> converters, KeyRange range) {
    private static final Logger log = LoggerFactory.getLogger(FormatUpgrade.class);
    /** Values rewritten per engine write batch. */
    private static final long BATCH_BYTES = 1 << 20;

    FormatUpgrade {
        converters = Map.copyOf(converters);
        Objects.requireNonNull(range, "range");
    }

    /**
     * Kafka's headers format with no headers (KIP-1271, {@link HeadersBytesStore#convertToHeaderFormat}): an empty
     * headers block in front of the old value, for timestamped values (and plain session aggregates).
     */
    static FormatUpgrade toHeaders(String from, KeyRange range) {
        return new FormatUpgrade(Map.of(from, HeadersBytesStore::convertToHeaderFormat), range);
    }

    boolean reads(String recorded) {
        return converters.containsKey(recorded);
    }

    /** Rewrites every value of {@code s} (opened in an old format) and records {@code to}. Returns the values rewritten. */
    long run(Store s, String from, String to, String storeName) {
        UnaryOperator<byte[]> convert = converters.get(from);
        if (s.committedRevision().isEmpty()) {
            s.commit(Map.of(), null); // a point for a crash to roll the rewrite back to
        }
        s.flush();
        long n = 0;
        try (Snapshot snapshot = s.snapshot(); StoreIterator it = snapshot.iterator(range, false)) {
            WriteBatch batch = new WriteBatch();
            for (; it.valid(); it.next()) {
                batch.put(it.key(), convert.apply(it.value()));
                n++;
                if (batch.approximateBytes() >= BATCH_BYTES) {
                    s.write(batch);
                    batch = new WriteBatch();
                }
            }
            if (!batch.isEmpty()) {
                s.write(batch);
            }
        }
        s.commitFormat(to);
        log.info("store {}: upgraded {} values to the '{}' format", storeName, n, to);
        return n;
    }
}
