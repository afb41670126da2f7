package dev.sediment.examples.eos;

import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the exactly-once count apps ({@link EosCountApp}, {@link TransactionalCountApp}, {@link WindowedCountApp}) share: the store they
 * count into, their Kafka Streams settings, and the lines the tests read while they run. Prints
 * {@code state S} on each state change, {@code restored-total N} (records restored so far) at every RUNNING,
 * {@code restore-start}/{@code restore-end} per changelog partition, and ten times a second
 * {@code processed N restored M flushed F}, where F is the bytes the Sediment stores flushed since they were
 * opened (Kafka's RocksDB metrics of that name are recorded only at DEBUG, so 0 for RocksDB).
 */
final class CountAppRun {
    static final String STORE = "counts";

    /** Records processed, counted by the app's topology. */
    final AtomicLong processed = new AtomicLong();
    /** Records restored, counted by the restore listener. */
    final AtomicLong restored = new AtomicLong();
    private final ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "progress-and-queries");
        t.setDaemon(true);
        return t;
    });

    /** The timestamped store the DSL asks for: {@code sediment} or {@code rocksdb}. */
    static KeyValueBytesStoreSupplier store(String kind) {
        return switch (kind) {
            case "sediment" -> SedimentStores.timestampedKeyValueStore(STORE);
            case "rocksdb" -> Stores.persistentTimestampedKeyValueStore(STORE);
            default -> throw new IllegalArgumentException("unknown store " + kind);
        };
    }

    /**
     * {@code exactly_once_v2}, every record emitting its count (no cache), a static member that rejoins at once
     * after a kill, and {@code sediment.max.replay.age.ms}.
     */
    static Properties exactlyOnce(String bootstrap, String appId, String stateDir, String maxReplayAgeMs) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every record emits its count
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.consumerPrefix("group.instance.id"), appId + "-1"); // rejoin at once after a kill
        p.put(SedimentConfig.MAX_REPLAY_AGE_MS, maxReplayAgeMs);
        return p;
    }

    /** Runs {@code job} every {@code periodMillis} beside the progress line, while the app runs. */
    void every(Runnable job, long periodMillis) {
        background.scheduleWithFixedDelay(job, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts {@code streams} with the listeners that print the lines above, and waits until it stops. */
    void runUntilStopped(KafkaStreams streams) throws InterruptedException {
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition tp, String storeName, long start, long end) {
                System.out.println("restore-start " + tp + " from " + start + " to " + end);
            }

            @Override
            public void onBatchRestored(TopicPartition tp, String storeName, long batchEnd, long n) {
                restored.addAndGet(n);
            }

            @Override
            public void onRestoreEnd(TopicPartition tp, String storeName, long total) {
                System.out.println("restore-end " + tp + " " + total);
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("restored-total " + restored.get());
            }
            System.out.println("state " + now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        background.scheduleAtFixedRate(() -> System.out.println("processed " + processed.get() + " restored "
                + restored.get() + " flushed " + flushedBytes(streams)), 100, 100, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20))));
        streams.start();
        stopped.await();
    }

    /** Bytes the open stores flushed since they were opened (Sediment's gauge; a reopen starts it at 0). */
    private static long flushedBytes(KafkaStreams streams) {
        long sum = 0;
        for (Metric m : streams.metrics().values()) {
            if (m.metricName().name().equals("memtable-bytes-flushed-total") && m.metricValue() instanceof Number n) {
                sum += n.longValue();
            }
        }
        return sum;
    }
}
