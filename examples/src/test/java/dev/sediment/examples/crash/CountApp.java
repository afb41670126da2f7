package dev.sediment.examples.crash;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts input records per key, exactly once, and emits every new count: the Kafka Streams app the
 * crash tests kill. The store is picked by name, so the same test runs on any store supplier.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic,
 * store ({@code rocksdb} or {@code in-memory}).
 */
public final class CountApp {
    /** Logged on every state change; tests wait for {@code STATE_LINE + "RUNNING"}. */
    static final String STATE_LINE = "CountApp state ";
    static final String STORE_NAME = "counts";

    private static final Logger log = LoggerFactory.getLogger(CountApp.class);

    private CountApp() {}

    static KeyValueBytesStoreSupplier store(String kind) {
        return switch (kind) {
            case "rocksdb" -> Stores.persistentTimestampedKeyValueStore(STORE_NAME);
            case "in-memory" -> Stores.inMemoryKeyValueStore(STORE_NAME);
            default -> throw new IllegalArgumentException("unknown store " + kind);
        };
    }

    static Topology topology(String input, String output, KeyValueBytesStoreSupplier store) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.<String, Long>as(store)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()))
                .toStream()
                .to(output, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    static Properties properties(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Long enough that a kill usually lands inside an open transaction, which must be aborted.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        // No cache: every input record emits its count, so the output shows each one exactly once.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Static membership: a restarted instance takes its partitions back at once instead of
        // waiting for the killed one's session to time out.
        p.put(StreamsConfig.consumerPrefix("group.instance.id"), applicationId + "-1");
        return p;
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(
                topology(args[3], args[4], store(args[5])), properties(args[0], args[1], Path.of(args[2])));
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean terminating = new AtomicBoolean();
        streams.setStateListener((now, before) -> {
            log.info(STATE_LINE + "{}", now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            terminating.set(true);
            streams.close(Duration.ofSeconds(20));
        }));
        streams.start();
        stopped.await();
        if (!terminating.get()) {
            // Stopped by itself (an error), not by SIGTERM: the test should see it as an exit code.
            streams.close(Duration.ofSeconds(20));
            System.exit(1);
        }
    }
}
