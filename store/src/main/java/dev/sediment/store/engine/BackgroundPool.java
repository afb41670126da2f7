package dev.sediment.store.engine;

import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM-wide pool that runs flushes and compactions for every store, bounded by the machine's cores
 * (at most 2 threads, so background work never starves the stream threads on small machines). Queued
 * flushes run before queued compactions: a flush frees memory writers may be waiting for, a compaction
 * only reshapes the tree. Daemon threads: a JVM exiting without closing its stores loses only unflushed
 * writes, as a crash would.
 */
final class BackgroundPool {
    /** Queue priority; lower runs first. */
    enum Priority { FLUSH, COMPACTION }

    private static final ThreadPoolExecutor POOL;
    private static final ScheduledExecutorService TIMER;
    /**
     * Periodic checks that may block on a store's write lock (bounded replay). Separate from TIMER: a
     * writer stalled under its write lock may be waiting for a retry that TIMER must still submit.
     */
    private static final ScheduledExecutorService PERIODIC;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    static {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        POOL = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(),
                daemonThreads("sediment-background-"));
        POOL.allowCoreThreadTimeOut(true);
        TIMER = Executors.newSingleThreadScheduledExecutor(daemonThreads("sediment-retry-"));
        PERIODIC = Executors.newSingleThreadScheduledExecutor(daemonThreads("sediment-periodic-"));
    }

    private BackgroundPool() {
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Task(Priority priority, long sequence, Runnable job) implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            job.run();
        }

        @Override
        public int compareTo(Task o) {
            int c = priority.compareTo(o.priority);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    static void submit(Priority priority, Runnable job) {
        POOL.execute(new Task(priority, SEQUENCE.incrementAndGet(), job));
    }

    /** Submits {@code job} after {@code delayMillis} (retries with backoff). */
    static void schedule(Priority priority, Runnable job, long delayMillis) {
        TIMER.schedule(() -> submit(priority, job), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code job} every {@code periodMillis} on the periodic thread until the returned future is cancelled. */
    static ScheduledFuture<?> every(Runnable job, long periodMillis) {
        return PERIODIC.scheduleWithFixedDelay(job, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }
}
