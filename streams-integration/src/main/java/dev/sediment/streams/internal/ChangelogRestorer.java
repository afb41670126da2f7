package dev.sediment.streams.internal;

import dev.sediment.store.WriteBatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

import java.util.Collection;

/**
 * Restores a store from its changelog, each polled batch as one engine write. Uses Kafka's internal
 * record-level callback (as Kafka's own stores do) because only the records carry the position headers
 * that IQ consistency needs. Offsets reached during restoration arrive through the store's commit.
 */
final class ChangelogRestorer implements RecordBatchingStateRestoreCallback {
    private final SedimentKeyValueStore store;
    private final boolean consistencyEnabled;

    ChangelogRestorer(SedimentKeyValueStore store, boolean consistencyEnabled) {
        this.store = store;
        this.consistencyEnabled = consistencyEnabled;
    }

    @Override
    public void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
        WriteBatch batch = new WriteBatch();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                batch.delete(r.key());
            } else {
                batch.put(r.key(), r.value());
            }
        }
        store.restoreBatch(batch);
        var position = store.position();
        synchronized (position) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition(r, consistencyEnabled, position);
            }
        }
    }
}
