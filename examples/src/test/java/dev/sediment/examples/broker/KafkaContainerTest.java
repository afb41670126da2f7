package dev.sediment.examples.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The round trip of {@link EmbeddedKafkaBrokerTest} on Kafka's own container image, same version.
 * Skipped, with the reason in the report, where no Docker engine runs (as on our build machines).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class KafkaContainerTest {
    private static final int RECORDS = 1000;

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @Test
    void recordsGoThereAndBack() throws Exception {
        String bootstrapServers = KAFKA.getBootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic("round-trip", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Map<String, String> sent = RoundTrip.produce(bootstrapServers, "round-trip", RECORDS);
        List<ConsumerRecord<String, String>> received =
                RoundTrip.consumeAll(bootstrapServers, "round-trip", Duration.ofSeconds(60));

        assertEquals(RECORDS, received.size(), "records read back, duplicates included");
        assertEquals(new TreeMap<>(sent), received.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> a, TreeMap::new)));
    }
}
