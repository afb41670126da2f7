package dev.sediment.examples.e2e;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.testing.UnderTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link RestoreScenario} on the embedded broker: runs everywhere. */
@Timeout(240)
class RestoreAfterStateWipeTest {
    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void restartWithoutStateDirectoryRestoresEveryStoreFromItsChangelog() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            RestoreScenario.run(broker.bootstrapServers(), dir);
        }
    }
}
