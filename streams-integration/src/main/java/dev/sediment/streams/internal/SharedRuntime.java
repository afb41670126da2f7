package dev.sediment.streams.internal;

import dev.sediment.store.StoreRuntime;
import dev.sediment.streams.SedimentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one {@link StoreRuntime} of the JVM, created by the first store that opens and dropped when the
 * last one closes (reference-counted), so an application that stops all its stores holds no memory.
 * Thread-safe.
 */
public final class SharedRuntime {
    private static final Logger log = LoggerFactory.getLogger(SharedRuntime.class);

    private static StoreRuntime runtime;
    private static ThreadPoolExecutor restoreWriters;
    private static long memoryBytes;
    private static int users;

    private SharedRuntime() {
    }

    /** The runtime, created from {@code config} if none lives. Pair with {@link #release()}. */
    static synchronized StoreRuntime acquire(SedimentConfig config) {
        if (runtime == null) {
            runtime = new StoreRuntime(config.blockCacheBytes(), config.memtableBudgetBytes(),
                    config.getInt(SedimentConfig.MAX_OPEN_FILES));
            memoryBytes = config.memoryBytes();
            restoreWriters = newRestoreWriters();
            log.info("Sediment runtime created: {} bytes ({} block cache, {} memtables)", memoryBytes,
                    config.blockCacheBytes(), config.memtableBudgetBytes());
        } else if (config.memoryBytes() != memoryBytes) {
            log.warn("{}={} ignored: the running Sediment runtime was created with {}", SedimentConfig.MEMORY_BYTES,
                    config.memoryBytes(), memoryBytes);
        }
        users++;
        return runtime;
    }

    static synchronized void release() {
        if (users == 0) {
            throw new IllegalStateException("released more often than acquired");
        }
        if (--users == 0) {
            log.info("Sediment runtime released: {}", runtime);
            runtime = null;
            restoreWriters.shutdown(); // idle: every store drained its restore buffer when it closed
            restoreWriters = null;
        }
    }

    /**
     * Writes restored runs while restore threads gather the next ones. As many threads as the background
     * pool (at most 2): more would only compete with flushes and compactions for the same cores.
     */
    private static ThreadPoolExecutor newRestoreWriters() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sediment-restore-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Where stores write restored runs; REQUIRES: the caller holds the runtime. */
    static synchronized Executor restoreWriters() {
        return restoreWriters;
    }

    /** The live runtime, or null when no store is open. */
    public static synchronized StoreRuntime current() {
        return runtime;
    }

    /** Stores holding the runtime. */
    public static synchronized int users() {
        return users;
    }
}
