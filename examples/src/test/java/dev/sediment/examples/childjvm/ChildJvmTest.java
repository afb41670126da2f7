package dev.sediment.examples.childjvm;

import dev.sediment.examples.testing.UnderTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class ChildJvmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void runsTheMainWithItsArgumentsAndSystemProperties() throws Exception {
        try (ChildJvm child = ChildJvm.builder(ChildMains.Echo.class, dir.resolve("echo.log"))
                .args("7", "two words")
                .systemProperty("greeting", "hello")
                .start()) {
            assertEquals(OptionalInt.of(7), child.awaitExit(TIMEOUT));
            assertEquals(OptionalInt.of(7), child.exitCode());
            assertTrue(child.log().contains("args=[7, two words] greeting=hello"), child.log().read());
        }
    }

    @Test
    void killIsSigkillSoNoShutdownHookRuns() throws Exception {
        try (ChildJvm child = ChildJvm.builder(ChildMains.Waiter.class, dir.resolve("waiter.log")).start()) {
            child.awaitLog(ChildMains.WAITING, TIMEOUT);
            assertTrue(child.isAlive());
            assertEquals(137, child.kill());
            assertFalse(child.isAlive());
            assertFalse(child.log().contains(ChildMains.HOOK_RAN), child.log().read());
        }
    }

    @Test
    void stopIsSigtermSoShutdownHooksRun() throws Exception {
        try (ChildJvm child = ChildJvm.builder(ChildMains.Waiter.class, dir.resolve("waiter.log")).start()) {
            child.awaitLog(ChildMains.WAITING, TIMEOUT);
            assertEquals(143, child.stop());
            assertTrue(child.log().contains(ChildMains.HOOK_RAN), child.log().read());
        }
    }

    @Test
    void anExceptionFromMainExitsWithOneAndIsLogged() throws Exception {
        try (ChildJvm child = ChildJvm.builder(ChildMains.Thrower.class, dir.resolve("thrower.log")).start()) {
            assertEquals(OptionalInt.of(1), child.awaitExit(TIMEOUT));
            assertTrue(child.log().contains("IllegalStateException: thrown by the child's main"), child.log().read());
        }
    }

    @Test
    void awaitLogFailsAtOnceWhenTheChildExitsAndNamesTheLog() throws Exception {
        Path logFile = dir.resolve("echo.log");
        try (ChildJvm child = ChildJvm.builder(ChildMains.Echo.class, logFile).args("3").start()) {
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> child.awaitLog("never printed", Duration.ofMinutes(5)));
            assertTrue(System.nanoTime() - start < TIMEOUT.toNanos(), "waited for the timeout, not the exit");
            assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
            assertTrue(e.getMessage().contains(logFile.toString()), e.getMessage());
        }
    }

    @Test
    void aRestartedChildAppendsToTheSameLog() throws Exception {
        Path logFile = dir.resolve("echo.log");
        for (int run = 0; run < 2; run++) {
            try (ChildJvm child = ChildJvm.builder(ChildMains.Echo.class, logFile).args("0").start()) {
                assertEquals(OptionalInt.of(0), child.awaitExit(TIMEOUT));
            }
        }
        assertEquals(2, new LogFile(logFile).count("args=[0]"));
    }
}
