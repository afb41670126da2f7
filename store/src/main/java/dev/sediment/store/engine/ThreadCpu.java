package dev.sediment.store.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the calling thread, for the per-level stats: what a flushed or compacted byte costs in
 * CPU, which wall time on a shared machine does not tell. 0 where the JVM cannot measure it.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

    private ThreadCpu() {
    }

    static long nanos() {
        return SUPPORTED ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
    }
}
