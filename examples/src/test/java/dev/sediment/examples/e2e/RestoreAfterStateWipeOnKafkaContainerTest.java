package dev.sediment.examples.e2e;

import dev.sediment.examples.testing.UnderTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;

/**
 * {@link RestoreScenario} on Kafka's own container image, same version as the embedded broker.
 * Skipped, with the reason in the report, where no Docker engine runs (as on our build machines).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class RestoreAfterStateWipeOnKafkaContainerTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void restartWithoutStateDirectoryRestoresEveryStoreFromItsChangelog() throws Exception {
        RestoreScenario.run(KAFKA.getBootstrapServers(), dir);
    }
}
