package dev.sediment.examples.eos;

import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import dev.sediment.streams.eos.SedimentClientSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;
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
 * The exactly-once count app that {@link EosRestoreTest} kills: counts input records per key into a
 * Sediment (or RocksDB) store and emits every new count. It prints what the test measures:
 * {@code state S} on each state change, {@code processed N} ten times a second, and
 * {@code restored-total N} (records restored by the restore listener) when it reaches RUNNING.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, store
 * ({@code sediment} or {@code rocksdb}), client supplier ({@code sediment} or {@code default}), and
 * {@code sediment.max.replay.age.ms}.
 */
public final class EosCountApp {
    static final String STORE = "counts";

    private EosCountApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        String appId = args[1];
        KeyValueBytesStoreSupplier store = switch (args[5]) {
            case "sediment" -> SedimentStores.timestampedKeyValueStore(STORE);
            case "rocksdb" -> Stores.persistentTimestampedKeyValueStore(STORE);
            default -> throw new IllegalArgumentException("unknown store " + args[5]);
        };
        AtomicLong processed = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> processed.incrementAndGet())
                .groupByKey()
                .count(Materialized.<String, Long>as(store).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every record emits its count
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.consumerPrefix("group.instance.id"), appId + "-1"); // rejoin at once after a kill
        p.put(SedimentConfig.MAX_REPLAY_AGE_MS, args[7]);

        KafkaStreams streams = new KafkaStreams(builder.build(), p,
                "sediment".equals(args[6]) ? new SedimentClientSupplier() : new DefaultKafkaClientSupplier());
        AtomicLong restored = new AtomicLong();
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
                System.out.println("restore-start " + tp + " from " + start + " to " + end);
            }

            @Override
            public void onBatchRestored(TopicPartition tp, String store, long batchEnd, long n) {
                restored.addAndGet(n);
            }

            @Override
            public void onRestoreEnd(TopicPartition tp, String store, long total) {
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
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        progress.scheduleAtFixedRate(() -> System.out.println("processed " + processed.get()), 100, 100,
                TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20))));
        streams.start();
        stopped.await();
    }
}
