package dev.sediment.streams.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Collection;

/**
 * Restores a store from its changelog through its {@link RestoreBuffer} (runs written straight to SSTables). Registered
 * through Kafka's internal record-level callback ({@link KafkaInternals#recordBatchRestore}, as Kafka's own stores
 * do) because only the records carry the position headers that IQ consistency needs. Offsets reached during
 * restoration arrive through the store's commit.
 */
final class ChangelogRestorer {
    private final EngineStoreCore store;
    private final boolean consistencyEnabled;

    ChangelogRestorer(EngineStoreCore store, boolean consistencyEnabled) {
        this.store = store;
        this.consistencyEnabled = consistencyEnabled;
    }

    void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
        // The position first, encoded as it is once these records count: a commit recorded when they are
        // applied stores it. Encoded here, under the position's lock, and handed over, because readers hold
        // that lock while they drain the store's restore buffer.
        var position = store.position();
        byte[] after;
        synchronized (position) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                KafkaInternals.applyChecksAndUpdatePosition(r, consistencyEnabled, position);
            }
            after = PositionCodec.encode(position);
        }
        store.restoreBatch(records, after);
    }
}
