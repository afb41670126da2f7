package dev.sediment.examples.e2e;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the changelog records Kafka Streams restores into each store, and where each restore started. */
final class RestoreCounter implements StateRestoreListener {
    private final Map<String, AtomicLong> restoredByStore = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> startingOffsets = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        startingOffsets.put(partition, startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restoredByStore.computeIfAbsent(store, s -> new AtomicLong()).addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {}

    /** Records restored so far, per store. */
    Map<String, Long> restoredByStore() {
        Map<String, Long> copy = new TreeMap<>();
        restoredByStore.forEach((store, count) -> copy.put(store, count.get()));
        return copy;
    }

    long total() {
        return restoredByStore.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** The offset each changelog partition's restore started from. */
    Map<TopicPartition, Long> startingOffsets() {
        return Map.copyOf(startingOffsets);
    }
}
