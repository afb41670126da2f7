package dev.sediment.bench;

import dev.sediment.streams.eos.SedimentClientSupplier;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * The end-to-end application on one store, in a JVM of its own: input records (16-byte keys, values
 * starting with their sequence number) upserted into a KTable ({@code groupByKey().reduce}) under
 * exactly_once_v2 with one stream thread. Arguments: store, bootstrap servers, state directory,
 * application id, the sequence number at which to report {@code E2E REACHED} (or -1), and whether to
 * close and exit then ({@code exit}) or wait to be killed ({@code wait}); then any number of
 * {@code key=value} Streams settings ({@link TransactionalBench} passes KIP-892's there).
 *
 * <p>Prints {@code E2E READY millis=… restored=…} once the store is RUNNING and queryable (restoration
 * done), counted from {@code KafkaStreams.start()}; {@code E2E REACHED processed=… seconds=…} once the
 * given input record is processed, timed from the first record this JVM processed.
 */
public final class StreamsBenchChild {
    static final String INPUT = "bench-input";
    static final String STORE = "bench-upsert";

    private StreamsBenchChild() {
    }

    public static void main(String[] args) throws Exception {
        StoreKind kind = StoreKind.valueOf(args[0]);
        String bootstrap = args[1];
        String stateDir = args[2];
        String applicationId = args[3];
        long reachSequence = Long.parseLong(args[4]);
        boolean exitAtReach = args[5].equals("exit");
        Properties extra = new Properties();
        for (int i = 6; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            extra.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Static membership: a restarted instance takes its predecessor's place at once, instead of the
        // group waiting out the session timeout of the killed (or cleanly closed: Streams does not leave
        // the group on close) member. Without it every "time until RUNNING" would be about 45 s.
        props.put(StreamsConfig.consumerPrefix("group.instance.id"), applicationId + "-instance");
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.putAll(StoreMemory.sedimentSettings()); // the budget the benchmark gives Sediment
        props.putAll(extra);

        AtomicLong processed = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        CountDownLatch reached = new CountDownLatch(1);
        AtomicBoolean reachedOnce = new AtomicBoolean();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .peek((key, value) -> {
                    long count = processed.incrementAndGet();
                    long now = System.nanoTime();
                    if (count == 1) {
                        firstNanos.set(now);
                    }
                    if (reachSequence >= 0 && ByteBuffer.wrap(value).getLong() >= reachSequence
                            && reachedOnce.compareAndSet(false, true)) {
                        System.out.printf("E2E REACHED processed=%d seconds=%.3f peakRss=%d%n", count,
                                (now - firstNanos.get()) / 1e9, ProcessMeter.peakRssBytes());
                        reached.countDown();
                    }
                })
                .groupByKey()
                .reduce((oldValue, newValue) -> newValue, Materialized.as(kind.timestampedSupplier(STORE)));

        AtomicLong restored = new AtomicLong();
        // With KIP-892's flag Kafka commits stores after every transaction itself: no supplier needed.
        boolean transactionalStores = Boolean.parseBoolean(extra.getProperty("enable.transactional.statestores"));
        KafkaStreams streams = kind == StoreKind.SEDIMENT && !transactionalStores
                ? new KafkaStreams(builder.build(props), props, new SedimentClientSupplier())
                : new KafkaStreams(builder.build(props), props);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
                System.out.printf("E2E RESTORE START %s offsets %d..%d%n", partition, startOffset, endOffset);
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
                restored.addAndGet(numRestored);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                System.out.printf("E2E RESTORE END %s restored %d%n", partition, totalRestored);
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace();
            Runtime.getRuntime().halt(3);
            return null;
        });
        long start = System.nanoTime();
        streams.start();
        while (!queryable(streams)) {
            Thread.sleep(5);
        }
        System.out.printf("E2E READY millis=%d restored=%d%n", (System.nanoTime() - start) / 1_000_000, restored.get());
        Thread progress = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.printf("E2E progress processed=%,d%n", processed.get());
            }
        });
        progress.setDaemon(true);
        progress.start();
        if (reachSequence >= 0) {
            reached.await();
        }
        if (exitAtReach) {
            streams.close(Duration.ofMinutes(2));
            System.out.println("E2E CLOSED");
            System.exit(0);
        }
        Thread.sleep(Long.MAX_VALUE); // killed by the parent
    }

    private static boolean queryable(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        try {
            streams.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
            return true;
        } catch (InvalidStateStoreException e) {
            return false;
        }
    }
}
