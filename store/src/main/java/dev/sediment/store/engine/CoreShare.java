package dev.sediment.store.engine;

import java.util.function.BooleanSupplier;

/**
 * Keeps a core for the foreground on a machine of two cores or fewer: while a flush runs there, a compaction
 * that is not urgent waits. Otherwise a flush, a compaction and the writing thread are three runnable threads
 * on two cores: on the bench's 1M fill the writer was runnable without a core 648-707 ms of 1.7 s (Linux
 * schedstat), while write stalls took none of it. A flush frees the memory writers wait for, so it goes first;
 * an urgent compaction (a deep L0 or a large debt, {@link dev.sediment.store.compaction.CompactionPacing#urgent})
 * never waits, so the debt a burst defers is bounded by the urgency thresholds. Thread-safe.
 */
final class CoreShare {
    /** The JVM's, as the background pool is: flushes of every store hold back compactions of every store. */
    static final CoreShare JVM = new CoreShare(Runtime.getRuntime().availableProcessors() <= 2);
    /** How often a waiting compaction looks again at whether it still may wait (its store may turn urgent). */
    private static final long RECHECK_MILLIS = 5;

    private final boolean smallMachine;
    // Guarded by this.
    private int flushesRunning;

    /** {@code smallMachine}: whether background work must leave the foreground a core. */
    CoreShare(boolean smallMachine) {
        this.smallMachine = smallMachine;
    }

    synchronized void flushStarted() {
        flushesRunning++;
    }

    synchronized void flushEnded() {
        if (flushesRunning == 0) {
            throw new IllegalStateException("no flush is running");
        }
        if (--flushesRunning == 0) {
            notifyAll();
        }
    }

    /**
     * Called by a compaction between entries: on a small machine, waits while a flush runs and {@code mayWait}
     * holds (its store is not urgent, not closing). Returns at once otherwise.
     */
    void compactionYield(BooleanSupplier mayWait) {
        if (!smallMachine) {
            return;
        }
        synchronized (this) {
            while (flushesRunning > 0 && mayWait.getAsBoolean()) {
                try {
                    wait(RECHECK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
