package dev.sediment.examples.childjvm;

import dev.sediment.examples.testing.UnderTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A child must not outlive a parent that was SIGKILLed and so ran no cleanup at all. */
@Timeout(120)
class OrphanGuardTest {
    private static final Duration HALT_DEADLINE = Duration.ofSeconds(10);

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void childHaltsByItselfWhenItsParentIsSigkilled() throws Exception {
        Path grandchildLog = dir.resolve("grandchild.log");
        ProcessHandle grandchild = null;
        try (ChildJvm parent = ChildJvm.builder(ChildMains.Spawner.class, dir.resolve("parent.log"))
                .args(grandchildLog.toString())
                .start()) {
            parent.awaitLog(ChildMains.SPAWNED, Duration.ofSeconds(60));
            long pid = Long.parseLong(parent.log().read().split(ChildMains.SPAWNED)[1].lines().findFirst().orElseThrow());
            grandchild = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("grandchild " + pid + " not running"));
            assertTrue(grandchild.isAlive());

            assertEquals(137, parent.kill());
            long killed = System.nanoTime();
            Instant killedAt = Instant.now();
            try {
                grandchild.onExit().get(HALT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                fail("grandchild " + pid + " still runs " + HALT_DEADLINE + " after its parent was killed");
            }
            long haltMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            LogFile log = new LogFile(grandchildLog);
            assertTrue(log.contains(OrphanGuard.HALT_MESSAGE), log.read());
            // ProcessHandle polls a process that is not our child, so the halt line's time is the precise one.
            System.out.printf("parent SIGKILLed at %s; grandchild seen gone after %d ms; its log: %s%n",
                    killedAt, haltMillis, log.tail(1));
        } finally {
            if (grandchild != null) {
                grandchild.destroyForcibly(); // only if the guard failed; never leak a JVM from a test
            }
        }
    }
}
