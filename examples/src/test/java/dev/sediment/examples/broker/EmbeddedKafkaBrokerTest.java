package dev.sediment.examples.broker;

import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(180)
class EmbeddedKafkaBrokerTest {
    private static final int RECORDS = 1000;
    private static final int PARTITIONS = 3;

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void startsServesTopicsAndStopsItsJvm() throws Exception {
        long start = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        long started = System.nanoTime();
        long pid = broker.pid();
        long served;
        try (broker) {
            assertTrue(isRunning(pid), "broker JVM " + pid);
            assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
            assertTrue(Files.exists(broker.directory().resolve("data").resolve("meta.properties")), "storage formatted");

            broker.createTopic("round-trip", PARTITIONS);
            assertThrows(TopicExistsException.class, () -> broker.createTopic("round-trip", PARTITIONS));

            Map<String, String> sent = RoundTrip.produce(broker.bootstrapServers(), "round-trip", RECORDS);
            List<ConsumerRecord<String, String>> received =
                    RoundTrip.consumeAll(broker.bootstrapServers(), "round-trip", Duration.ofSeconds(60));

            assertEquals(RECORDS, received.size(), "records read back, duplicates included");
            assertEquals(new TreeMap<>(sent), received.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> a, TreeMap::new)));
            assertEquals(PARTITIONS, received.stream().map(ConsumerRecord::partition).distinct().count(),
                    "keys spread over every partition");
            served = System.nanoTime();
        }
        long stopped = System.nanoTime();
        assertFalse(isRunning(pid), "broker JVM " + pid + " still runs after close()");
        assertTrue(broker.log().contains("shut down completed"), "controlled shutdown; see " + broker.log());
        System.out.printf("broker start %d ms, topic + %d records there and back %d ms, stop %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(started - start), RECORDS,
                TimeUnit.NANOSECONDS.toMillis(served - started), TimeUnit.NANOSECONDS.toMillis(stopped - served));
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
