package dev.sediment.examples.crash;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.childjvm.ChildJvm;
import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The crash harness end to end: a Kafka Streams app under exactly_once_v2, in a child JVM, is
 * SIGKILLed while it processes its input, restarted on the same state directory, and its output
 * must still count every input record exactly once.
 */
@Timeout(240)
class CountAppCrashTest {
    private static final String APP_ID = "count-app";
    private static final String INPUT = "words";
    private static final String OUTPUT = "counts";
    private static final int PARTITIONS = 2;
    private static final int KEYS = 10;
    private static final int BATCH = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void countsAreExactAfterSigkillMidBatchAndRestartOnTheSameStateDirectory() throws Exception {
        Path stateDir = dir.resolve("state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
                KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
            broker.createTopic(INPUT, PARTITIONS);
            broker.createTopic(OUTPUT, PARTITIONS);

            long start = System.nanoTime();
            ChildJvm app = startApp(broker, stateDir, "app-1.log");
            try {
                app.awaitLog(CountApp.STATE_LINE + "RUNNING", TIMEOUT);
                long running = System.nanoTime();
                produce(producer, 0, BATCH);
                assertEquals(expectedCounts(BATCH), awaitCommittedCounts(broker, admin, BATCH / KEYS));
                long firstBatch = System.nanoTime();

                produce(producer, BATCH, BATCH);
                long seen = awaitUncommittedCountAbove(broker, BATCH / KEYS);
                assertEquals(137, app.kill(), "exit code of SIGKILL");
                System.out.printf("app RUNNING after %d ms; first batch exact after %d ms more; killed after it "
                                + "emitted counts up to %d of %d per key; committed then: up to %d%n",
                        millis(start, running), millis(running, firstBatch), seen, 2 * BATCH / KEYS,
                        committedMaxCount(broker));
            } finally {
                app.close();
            }
            assertTrue(Files.isDirectory(stateDir.resolve(APP_ID)), "the killed app's state directory");

            long restart = System.nanoTime();
            try (ChildJvm restarted = startApp(broker, stateDir, "app-2.log")) {
                restarted.awaitLog(CountApp.STATE_LINE + "RUNNING", TIMEOUT);
                long running = System.nanoTime();
                // Kafka Streams 4.3's wording: the restart took its identity from the killed app's state directory.
                assertTrue(restarted.log().contains("Reading UUID from process file"), "see " + restarted.log());
                // More input after the restart: the app must also go on counting from the exact state.
                produce(producer, 2 * BATCH, BATCH);
                assertEquals(expectedCounts(3 * BATCH), awaitCommittedCounts(broker, admin, 3 * BATCH / KEYS));
                System.out.printf("restarted app RUNNING after %d ms; all %d records counted exactly after %d ms%n",
                        millis(restart, running), 3 * BATCH, millis(restart, System.nanoTime()));
                assertEquals(143, restarted.stop(), "exit code of SIGTERM after a clean close");
            }
        }
    }

    private ChildJvm startApp(EmbeddedKafkaBroker broker, Path stateDir, String logName) throws Exception {
        return ChildJvm.builder(CountApp.class, dir.resolve(logName))
                .args(broker.bootstrapServers(), APP_ID, stateDir.toString(), INPUT, OUTPUT, "rocksdb")
                .start();
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    /** Records {@code first} to {@code first + count - 1}; record i has key {@code key-(i % KEYS)}. */
    private static void produce(KafkaProducer<String, String> producer, int first, int count) {
        for (int i = first; i < first + count; i++) {
            producer.send(new ProducerRecord<>(INPUT, "key-" + (i % KEYS), "record-" + i));
        }
        producer.flush();
    }

    /** Each key after {@code records} input records: the counts 1, 2, ..., records / KEYS. */
    private static Map<String, List<Long>> expectedCounts(int records) {
        List<Long> counts = LongStream.rangeClosed(1, records / KEYS).boxed().toList();
        return IntStream.range(0, KEYS).mapToObj(k -> "key-" + k)
                .collect(Collectors.toMap(Function.identity(), k -> counts, (a, b) -> a, TreeMap::new));
    }

    /**
     * The committed output once the app has committed its position at the end of the input and the
     * output is read to its end, with every key at {@code countPerKey} or beyond; what is there at the
     * deadline otherwise, so the assertion shows the difference.
     */
    private static Map<String, List<Long>> awaitCommittedCounts(
            EmbeddedKafkaBroker broker, Admin admin, long countPerKey) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (CountOutput output = new CountOutput(broker.bootstrapServers(), OUTPUT, IsolationLevel.READ_COMMITTED)) {
            do {
                output.poll(Duration.ofMillis(200));
                boolean everyKeyReached = output.countsByKey().size() == KEYS && output.countsByKey().values().stream()
                        .allMatch(counts -> counts.get(counts.size() - 1) >= countPerKey);
                if (everyKeyReached && inputConsumed(admin) && output.atEnd()) {
                    break;
                }
            } while (System.nanoTime() - deadline < 0);
            return output.countsByKey();
        }
    }

    /** Whether the app's committed offsets are at the end of every input partition. */
    private static boolean inputConsumed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(APP_ID).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(INPUT, p))
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue().offset());
    }

    /** Waits until the app has emitted, committed or not, some count above {@code count}; returns the highest. */
    private static long awaitUncommittedCountAbove(EmbeddedKafkaBroker broker, long count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (CountOutput output = new CountOutput(broker.bootstrapServers(), OUTPUT, IsolationLevel.READ_UNCOMMITTED)) {
            while (output.maxCount() <= count) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the app emitted no count above " + count + " within " + TIMEOUT);
                }
                output.poll(Duration.ofMillis(50));
            }
            return output.maxCount();
        }
    }

    private static long committedMaxCount(EmbeddedKafkaBroker broker) {
        try (CountOutput output = new CountOutput(broker.bootstrapServers(), OUTPUT, IsolationLevel.READ_COMMITTED)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            do {
                output.poll(Duration.ofMillis(100));
            } while (!output.atEnd() && System.nanoTime() - deadline < 0);
            return output.maxCount();
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
