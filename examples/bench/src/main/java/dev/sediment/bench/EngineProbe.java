package dev.sediment.bench;

import dev.sediment.store.Store;
import dev.sediment.store.StoreStats;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a Sediment store's engine looks like when a workload starts and what it did during the workload:
 * the tree's shape (L0 tables, pending compaction bytes, stall), tables probed per get, block-cache hit
 * rate, and the CPU of the background (flush and compaction) threads next to the foreground thread's.
 * These are counts machine load does not move, unlike the throughput beside them. Only for Sediment
 * stores; reaches the engine through the store's private accessor (the bench is not the public API's user).
 */
final class EngineProbe {
    private static final String BACKGROUND_THREADS = "sediment-background-";

    private final Store store;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private EngineProbe(Store store) {
        this.store = store;
    }

    /** A probe of {@code kvStore}'s engine, or null when it is not a Sediment store. */
    static EngineProbe of(KeyValueStore<?, ?> kvStore) {
        try {
            Method open = kvStore.getClass().getDeclaredMethod("open");
            if (!Store.class.isAssignableFrom(open.getReturnType())) {
                return null;
            }
            open.setAccessible(true);
            return new EngineProbe((Store) open.invoke(kvStore));
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the engine of " + kvStore, e);
        }
    }

    /** The engine's figures and the threads' CPU at one moment. */
    record Mark(StoreStats stats, long backgroundCpuNanos, long foregroundCpuNanos, long foregroundQueuedNanos,
            long gcMillis, long nanos) {
    }

    Mark mark() {
        long background = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(BACKGROUND_THREADS)) {
                background += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        return new Mark(store.stats(), background, threads.getCurrentThreadCpuTime(), queuedNanos(), gc,
                System.nanoTime());
    }

    /**
     * How long this thread has waited on a run queue, runnable but without a core (Linux schedstat's second
     * field), or -1 where it cannot be read. Tells a foreground thread short of CPU from one that is blocked.
     */
    private static long queuedNanos() {
        try {
            String[] f = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split("\\s+");
            return Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "L0 7 | L5 3 | L6 20 tables, pending 120 MB, stall: ..." */
    static String shape(Mark m) {
        StoreStats s = m.stats();
        List<String> levels = new ArrayList<>();
        List<StoreStats.Level> l = s.tables().levels();
        for (int i = 0; i < l.size(); i++) {
            if (i == 0 || l.get(i).files() > 0) {
                levels.add("L" + i + " " + l.get(i).files());
            }
        }
        return String.format("tables %s, frozen memtables %d, pending compaction %,d MB, stall %s",
                String.join(" | ", levels), s.memtables().frozen(), s.compactions().pendingBytes() >> 20,
                s.stalls().reason().isEmpty() ? "none" : s.stalls().reason());
    }

    /** What happened between two marks taken on the foreground thread. */
    static String during(Mark a, Mark b) {
        StoreStats.Tables ta = a.stats().tables();
        StoreStats.Tables tb = b.stats().tables();
        long lookups = tb.lookups() - ta.lookups();
        long hits = b.stats().cache().hits() - a.stats().cache().hits();
        long misses = b.stats().cache().misses() - a.stats().cache().misses();
        double wall = (b.nanos() - a.nanos()) / 1e6;
        long missRead = b.stats().cache().missReadBytes() - a.stats().cache().missReadBytes();
        return String.format("table lookups %,d: filter checks/lookup %.2f, table reads/lookup %.2f; block cache "
                        + "hit rate %.1f%% of %,d, %,.0f bytes read from files per lookup; flushes %d (%,d ms); compactions %d (%,d MB written); stalls %,d (%,d ms) %s; "
                        + "CPU ms of %,.0f wall: foreground %,.0f (%s ms runnable without a core), background %,.0f, GC %,d",
                lookups, per(tb.filterChecks() - ta.filterChecks(), lookups), per(tb.reads() - ta.reads(), lookups),
                100.0 * per(hits, hits + misses), hits + misses, per(missRead, lookups),
                b.stats().flushes().count() - a.stats().flushes().count(),
                b.stats().flushes().millis() - a.stats().flushes().millis(),
                b.stats().compactions().count() - a.stats().compactions().count(),
                (b.stats().compactions().bytesWritten() - a.stats().compactions().bytesWritten()) >> 20,
                b.stats().stalls().count() - a.stats().stalls().count(),
                b.stats().stalls().millis() - a.stats().stalls().millis(), b.stats().stalls().byCause(), wall,
                (b.foregroundCpuNanos() - a.foregroundCpuNanos()) / 1e6,
                a.foregroundQueuedNanos() < 0 || b.foregroundQueuedNanos() < 0 ? "?"
                        : String.format("%,d", (b.foregroundQueuedNanos() - a.foregroundQueuedNanos()) / 1_000_000),
                (b.backgroundCpuNanos() - a.backgroundCpuNanos()) / 1e6, b.gcMillis() - a.gcMillis());
    }

    private static double per(long n, long d) {
        return d == 0 ? 0 : (double) n / d;
    }
}
