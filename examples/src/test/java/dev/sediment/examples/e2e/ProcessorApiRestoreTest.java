package dev.sediment.examples.e2e;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.orders.OrdersDemo;
import dev.sediment.examples.run.BoundedRun;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.sediment.examples.testing.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Processor API with both Sediment suppliers, each under its builder ({@link ProcessorApiStores}), on
 * the embedded broker: after the state directory is deleted the restored stores hold every value byte for
 * byte (a plain store that Kafka took for a timestamped one would come back with 8 extra bytes per value);
 * then a standby replica, promoted to active when the first instance leaves, holds the same bytes.
 */
@Timeout(480)
class ProcessorApiRestoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Rebalances on a loaded 2-core machine shared with other builds can take a while. */
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(150);

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** What the stores must hold: key → value bytes (hex), and key → "hex@timestamp". */
    private final SortedMap<String, String> expectedPlain = new TreeMap<>();
    private final SortedMap<String, String> expectedStamped = new TreeMap<>();
    private long sent;

    @Test
    void restoreAfterStateWipeAndStandbyPromotionKeepEveryByte() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("ProcessorApiRestoreTest seed=" + seed);
        Random rnd = new Random(seed);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                ExampleKafka kafka = ExampleKafka.connect(
                        new ExampleOptions(Optional.of(broker.bootstrapServers()), Duration.ZERO, dir));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
            String bootstrap = broker.bootstrapServers();
            String input = "pa-input" + kafka.runSuffix();
            kafka.createTopics(1, input);

            // 1. Restore after the state directory is deleted.
            String restoreApp = "pa-restore" + kafka.runSuffix();
            Path stateDir = dir.resolve("state-restore");
            send(producer, input, rnd, 1500);
            try (KafkaStreams first = start(bootstrap, input, restoreApp, stateDir, new Properties())) {
                assertHoldsExactly(first, false, "before the wipe");
                GroupExit.leaveAndClose(first);
            }
            assertTrue(Files.isDirectory(stateDir.resolve(restoreApp)), "the first run's state directory");
            ExampleOptions.delete(stateDir);
            assertFalse(Files.exists(stateDir));
            try (KafkaStreams restored = start(bootstrap, input, restoreApp, stateDir, new Properties())) {
                assertHoldsExactly(restored, false, "restored from the changelogs");
                GroupExit.leaveAndClose(restored);
            }

            // 2. A standby replica promoted to active.
            String standbyApp = "pa-standby" + kafka.runSuffix();
            Properties standby = new Properties();
            standby.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
            try (KafkaStreams a = start(bootstrap, input, standbyApp, dir.resolve("state-a"), standby)) {
                assertHoldsExactly(a, false, "on A");
                try (KafkaStreams b = start(bootstrap, input, standbyApp, dir.resolve("state-b"), standby)) {
                    // Usually A keeps the task and B gets its standby; the assignor may also move it to B.
                    assertEventually(true, () -> activeOnOneStandbyOnOther(a, b) || activeOnOneStandbyOnOther(b, a),
                            ASSIGNMENT_TIMEOUT, "the task active on one instance, its standby on the other");
                    KafkaStreams active = activeOnOneStandbyOnOther(a, b) ? a : b;
                    KafkaStreams replica = active == a ? b : a;
                    send(producer, input, rnd, 500);
                    assertHoldsExactly(active, false, "on the active instance after more input");
                    assertHoldsExactly(replica, true, "in the standby");
                    GroupExit.leaveAndClose(active);
                    assertEventually(true, () -> activeTasks(replica) == 1, ASSIGNMENT_TIMEOUT,
                            "the standby's instance took the task over");
                    assertHoldsExactly(replica, false, "in the standby promoted to active");
                    send(producer, input, rnd, 200);
                    assertHoldsExactly(replica, false, "in the promoted store after more input");
                    GroupExit.leaveAndClose(replica);
                }
            }
            System.out.printf("%d records sent; %d live keys checked byte for byte in both stores%n",
                    sent, expectedPlain.size());
        }
    }

    /** Sends {@code n} records over 300 keys: values of 0 to 60 random bytes, some "hello", 10% deletes. */
    private void send(KafkaProducer<String, byte[]> producer, String topic, Random rnd, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String key = "key-" + rnd.nextInt(300);
            long timestamp = 1_700_000_000_000L + sent * 1000 + rnd.nextInt(1000);
            byte[] value;
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                value = null;
            } else if (kind == 1) {
                value = "hello".getBytes(StandardCharsets.UTF_8);
            } else {
                value = new byte[rnd.nextInt(61)];
                rnd.nextBytes(value);
            }
            producer.send(new ProducerRecord<>(topic, null, timestamp, key, value)).get();
            sent++;
            if (value == null) {
                expectedPlain.remove(key);
                expectedStamped.remove(key);
            } else {
                expectedPlain.put(key, HexFormat.of().formatHex(value));
                expectedStamped.put(key, HexFormat.of().formatHex(value) + "@" + timestamp);
            }
        }
    }

    private void assertHoldsExactly(KafkaStreams streams, boolean standbyToo, String when) throws InterruptedException {
        assertEventually(expectedPlain, () -> ProcessorApiStores.plain(streams, standbyToo), TIMEOUT,
                ProcessorApiStores.PLAIN + " " + when);
        assertEventually(expectedStamped, () -> ProcessorApiStores.stamped(streams, standbyToo), TIMEOUT,
                ProcessorApiStores.STAMPED + " " + when);
    }

    private static KafkaStreams start(String bootstrap, String input, String applicationId, Path stateDir,
            Properties overrides) throws InterruptedException {
        Properties p = OrdersDemo.properties(bootstrap, applicationId, stateDir);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(ProcessorApiStores.topology(input), p);
        try {
            BoundedRun.start(streams).awaitRunning();
        } catch (RuntimeException | InterruptedException e) {
            streams.close(Duration.ofSeconds(10));
            throw e;
        }
        return streams;
    }

    private static boolean activeOnOneStandbyOnOther(KafkaStreams active, KafkaStreams standby) {
        return activeTasks(active) == 1 && standbyTasks(standby) == 1 && activeTasks(standby) == 0;
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static int standbyTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.standbyTasks().size()).sum();
    }
}
