package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Write stalls hold writers (never fail them) and release them when compaction catches up. */
@Timeout(120)
class EngineStallTest {
    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writersStallAtTheL0StopTriggerAndResumeWhenCompactionCatchesUp() throws Exception {
        StoreOptions o = StoreOptions.builder()
                .fileSystem(new MemFileSystem())
                .memtableSizeBytes(2048)
                .compaction(CompactionOptions.builder().l0CompactionTrigger(2).l0SlowdownTrigger(3).l0StopTrigger(4)
                        .baseLevelTargetBytes(16 << 10).targetFileSizeBytes(4 << 10).build())
                .build();
        try (Engine s = Engine.open(Path.of("/stall/store"), o)) {
            s.compactionLock().lock(); // pause compaction: L0 can only grow
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 3000; i++) {
                        s.put(key(i), new byte[40]);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            StoreStats stalled;
            try {
                writer.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                // Until the writer waits in the L0 stop itself: the decision can read "stop trigger" while the
                // writer is still waiting for a frozen memtable's flush, and unlocking then lets compaction catch
                // up before the writer ever stops at L0.
                while (!(s.stats().stalls().reason().contains("stop trigger") && waitsInThrottle(writer))
                        && System.nanoTime() < deadline && writer.isAlive()) {
                    Thread.onSpinWait();
                }
                stalled = s.stats();
            } finally {
                s.compactionLock().unlock();
            }
            assertTrue(stalled.stalls().reason().contains("stop trigger"), "expected an L0 stop: " + stalled
                    + " writer alive=" + writer.isAlive() + " failure=" + failure.get());
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!writer.isAlive() && failure.get() == null, "writer did not resume: " + failure.get());
            assertTrue(s.stats().stalls().count() > 0);
            assertTrue(s.stats().stalls().byCause().containsKey("STOP L0 files"), s.stats().stalls().byCause().toString());
            assertArrayEquals(new byte[40], s.get(key(2999)));
        }
    }

    /** Whether {@code t} is waiting inside {@link WriteStalls#throttle}. */
    private static boolean waitsInThrottle(Thread t) {
        if (t.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals(WriteStalls.class.getName()) && frame.getMethodName().equals("throttle")) {
                return true;
            }
        }
        return false;
    }
}
