package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;

/**
 * How many compactions may run at once on the background pool every store of a JVM shares: the pacing
 * policy, a pure function of the tree's shape like the picker (no clock, no threads).
 *
 * <p>The pool has as many threads as the machine has cores, at most 2, and runs flushes as well as
 * compactions. Normally compactions may hold all but one of its threads: a flush (which frees the memory a
 * writer may be waiting for, and makes a commit point the recovery point) then never queues behind
 * compactions of other stores, and on a 2-core machine the foreground keeps a core while one compaction
 * works off the backlog. A store whose compaction is <em>urgent</em> may take every thread, as RocksDB
 * raises its compaction parallelism once L0 or the compaction debt grows past a speed-up threshold (before
 * writes are slowed down, so the extra thread prevents the stall instead of following it). A store runs one
 * compaction at a time in any case; the limit is over all stores.
 *
 * <p>Urgent means either
 * <ul>
 *   <li>L0 holds at least {@link #speedupL0Files} files: {@code min(2 × l0CompactionTrigger,
 *       l0CompactionTrigger + (l0SlowdownTrigger − l0CompactionTrigger) / 4)}, never below the
 *       compaction trigger (8 with the defaults 4 and 20) — every get walks L0 file by file, so a deep L0
 *       costs the foreground too; or</li>
 *   <li>the pending compaction bytes reach a quarter of {@code softPendingCompactionBytes}.</li>
 * </ul>
 */
public final class CompactionPacing {
    private CompactionPacing() {
    }

    /** The L0 file count from which a compaction is urgent (see the class javadoc). */
    public static int speedupL0Files(CompactionOptions options) {
        int trigger = options.l0CompactionTrigger();
        int slowdown = options.l0SlowdownTrigger();
        return Math.max(trigger, Math.min(2 * trigger, trigger + (slowdown - trigger) / 4));
    }

    /** Whether the store's tree needs compaction fast enough to take every background thread. */
    public static boolean urgent(CompactionEnv env, long pendingCompactionBytes) {
        CompactionOptions options = env.options();
        return env.level(0).size() >= speedupL0Files(options)
                || pendingCompactionBytes >= options.softPendingCompactionBytes() / 4;
    }

    /**
     * Compactions (over all stores) that may run at once on a pool of {@code poolThreads}: all but one
     * thread, at least one; every thread when {@code urgent}.
     */
    public static int allowedCompactions(int poolThreads, boolean urgent) {
        if (poolThreads < 1) {
            throw new IllegalArgumentException("poolThreads " + poolThreads + " < 1");
        }
        return urgent ? poolThreads : Math.max(1, poolThreads - 1);
    }
}
