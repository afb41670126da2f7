package dev.sediment.store.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM-wide pool that runs flushes and compactions for every store. Compactions hold at most
 * {@link #COMPACTION_SLOTS} threads at once, bounded by the machine's cores (at most 2, so background work
 * never starves the stream threads on small machines); the pool has one thread more, so a flush always
 * finds a thread even while compactions hold all their slots (RocksDB keeps flushes in a pool of their
 * own for the same reason: writers waiting for a full memtable must not wait for a compaction to end).
 * Queued flushes run before queued compactions. Daemon threads: a JVM exiting without closing its stores
 * loses only unflushed writes, as a crash would.
 */
final class BackgroundPool {
    /** Queue priority; lower runs first. */
    enum Priority { FLUSH, COMPACTION }

    private static final Logger log = LoggerFactory.getLogger(BackgroundPool.class);

    private static final ThreadPoolExecutor POOL;
    private static final ScheduledExecutorService TIMER;
    /**
     * Starts periodic jobs (bounded replay) on {@link #CHECKS}; never runs one itself, so it is never
     * blocked. Separate from TIMER, which only submits to POOL.
     */
    private static final ScheduledExecutorService PERIODIC;
    /**
     * Runs periodic jobs, which may block on a store's write lock or on its manifest sync: a thread per job
     * in progress, so one store's stalled writer or slow disk never delays another store's job (nor a flush,
     * as it would on POOL: the stalled writer may be waiting for that flush).
     */
    private static final ExecutorService CHECKS;
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The threads compactions may use at most: the machine's cores, at most 2. */
    private static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    /** How many of POOL's threads compactions may hold at once (see {@link dev.sediment.store.compaction.CompactionPacing}). */
    static final CompactionSlots COMPACTION_SLOTS = new CompactionSlots(THREADS);

    static {
        int threads = THREADS + 1; // the one compactions never hold: flushes'

        POOL = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(),
                daemonThreads("sediment-background-"));
        POOL.allowCoreThreadTimeOut(true);
        TIMER = Executors.newSingleThreadScheduledExecutor(daemonThreads("sediment-retry-"));
        PERIODIC = Executors.newSingleThreadScheduledExecutor(daemonThreads("sediment-periodic-"));
        CHECKS = Executors.newCachedThreadPool(daemonThreads("sediment-check-"));
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

    /**
     * Runs {@code job} every {@code periodMillis} until the returned future is cancelled, on a thread of its
     * own (see {@link #CHECKS}). A run still going when the next is due makes that one skipped, so a job
     * blocked for long holds one thread, not a growing number. A run that throws is logged and the job runs
     * again next period: a scheduled executor would silently stop running it.
     */
    static ScheduledFuture<?> every(Runnable job, long periodMillis) {
        AtomicBoolean running = new AtomicBoolean();
        Runnable guarded = () -> {
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                log.error("a periodic background job failed (it runs again in {} ms): {}", periodMillis, e.toString(), e);
            } finally {
                running.set(false);
            }
        };
        return PERIODIC.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) {
                try {
                    CHECKS.execute(guarded);
                } catch (RuntimeException e) {
                    running.set(false);
                    log.error("cannot start a periodic background job (tried again in {} ms): {}", periodMillis, e.toString());
                }
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }
}
