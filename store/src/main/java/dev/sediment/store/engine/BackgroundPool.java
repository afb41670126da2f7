package dev.sediment.store.engine;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM-wide pool that runs flushes for every store, bounded by the machine's cores (at most 2
 * threads on our 2-core targets, so background work never starves the stream threads). Daemon
 * threads: a JVM exiting without closing its stores loses only unflushed writes, as a crash would.
 */
final class BackgroundPool {
    private static final ScheduledThreadPoolExecutor POOL;

    static {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "sediment-background-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        POOL = new ScheduledThreadPoolExecutor(threads, tf);
        POOL.setRemoveOnCancelPolicy(true);
    }

    private BackgroundPool() {
    }

    static void submit(Runnable job) {
        POOL.execute(job);
    }

    static void schedule(Runnable job, long delayMillis) {
        POOL.schedule(job, delayMillis, TimeUnit.MILLISECONDS);
    }
}
