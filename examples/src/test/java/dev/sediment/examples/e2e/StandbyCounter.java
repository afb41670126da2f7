package dev.sediment.examples.e2e;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.TaskId;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the changelog records standby tasks load into their stores. */
final class StandbyCounter implements StandbyUpdateListener {
    private final AtomicLong loaded = new AtomicLong();

    @Override
    public void onUpdateStart(TopicPartition partition, String store, long startingOffset) {}

    @Override
    public void onBatchLoaded(TopicPartition partition, String store, TaskId task, long batchEndOffset,
            long batchSize, long currentEndOffset) {
        loaded.addAndGet(batchSize);
    }

    @Override
    public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
            SuspendReason reason) {}

    long loaded() {
        return loaded.get();
    }
}
