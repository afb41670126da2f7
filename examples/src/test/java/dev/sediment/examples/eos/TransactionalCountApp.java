package dev.sediment.examples.eos;

import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app {@link TransactionalStoresEosTest} kills and fails: Kafka Streams 4.4 under {@code exactly_once_v2}
 * with {@code enable.transactional.statestores=true}, Kafka's own client supplier, and interactive queries at
 * READ_COMMITTED ({@code default.interactive.query.isolation.level}). It counts records per key into
 * {@code "count:attempt"}, where the attempt names this process and stream-thread generation: a value computed
 * in a transaction that is later aborted carries an attempt no committed output has for that count, so a query
 * that returned it would be caught.
 *
 * <p>Prints {@code state S}, {@code processed N restored M} ten times a second, {@code restored-total N} (restored records
 * so far) at every RUNNING, {@code injected failure} when it throws, and {@code iq KEY VALUE} for every query
 * answer.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, store
 * ({@code sediment} or {@code rocksdb}), {@code sediment.max.replay.age.ms}, and the processed-record count at
 * which one processing exception is thrown (0: none); the uncaught-exception handler replaces the thread.
 */
public final class TransactionalCountApp {
    static final String STORE = "counts";
    static final int KEYS = 100;

    private TransactionalCountApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        String appId = args[1];
        KeyValueBytesStoreSupplier store = switch (args[5]) {
            case "sediment" -> SedimentStores.keyValueStore(STORE);
            case "rocksdb" -> Stores.persistentTimestampedKeyValueStore(STORE);
            default -> throw new IllegalArgumentException("unknown store " + args[5]);
        };
        long failAt = Long.parseLong(args[7]);
        AtomicLong processed = new AtomicLong();
        AtomicLong restored = new AtomicLong();
        AtomicInteger generation = new AtomicInteger();
        String pid = Long.toString(ProcessHandle.current().pid());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> {
                    if (processed.incrementAndGet() == failAt) {
                        System.out.println("injected failure at " + failAt + " restored " + restored.get());
                        throw new IllegalStateException("injected processing failure");
                    }
                })
                .groupByKey()
                .aggregate(() -> "0:",
                        (k, v, agg) -> (count(agg) + 1) + ":" + pid + "." + generation.get(),
                        Materialized.<String, String>as(store).withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.String()));

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // By name: the keys exist from Kafka Streams 4.4 on.
        p.put("enable.transactional.statestores", "true");
        p.put("default.interactive.query.isolation.level", "READ_COMMITTED");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every record emits its count
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.consumerPrefix("group.instance.id"), appId + "-1"); // rejoin at once after a kill
        // A replaced thread joins as a new static member (instance id "-2"): the broker's minimum session
        // timeout bounds how long the partitions of the one it replaced (or of a killed process's) wait.
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);
        p.put(SedimentConfig.MAX_REPLAY_AGE_MS, args[6]);

        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.setUncaughtExceptionHandler(e -> {
            generation.incrementAndGet();
            System.out.println("replacing the stream thread after: " + e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
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
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "progress-and-queries");
            t.setDaemon(true);
            return t;
        });
        background.scheduleAtFixedRate(() -> System.out.println("processed " + processed.get() + " restored " + restored.get()), 100, 100,
                TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(() -> query(streams), 200, 10, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(20))));
        streams.start();
        stopped.await();
    }

    static long count(String value) {
        return Long.parseLong(value.substring(0, value.indexOf(':')));
    }

    /** One IQv2 key query at the configured default isolation level (READ_COMMITTED); prints a found value. */
    private static void query(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
        try {
            StateQueryResult<Object> result = streams.query(StateQueryRequest.inStore(STORE)
                    .withQuery(KeyQuery.<String, Object>withKey(key)));
            for (QueryResult<Object> r : result.getPartitionResults().values()) {
                if (r.isSuccess() && r.getResult() != null) {
                    Object v = r.getResult();
                    System.out.println("iq " + key + " " + (v instanceof ValueAndTimestamp<?> vt ? vt.value() : v));
                }
            }
        } catch (RuntimeException e) {
            // a rebalance or a replaced thread: the next query tries again
        }
    }
}
