package dev.sediment.store.engine;

import dev.sediment.store.compaction.CompactionPacing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The running-compaction count every store of a JVM shares, bounded by {@link CompactionPacing}. A store
 * denied a slot parks its compaction pass ({@code wake} registered, no pool thread held) and is woken
 * when any compaction ends, to ask again. Thread-safe; its lock is taken after a store's state lock and
 * {@code wake} is run outside it, so a wake may take a state lock.
 */
final class CompactionSlots {
    private final int poolThreads;
    // Guarded by this.
    private int running;
    private final Set<Runnable> parked = new LinkedHashSet<>();

    CompactionSlots(int poolThreads) {
        CompactionPacing.allowedCompactions(poolThreads, false); // validates
        this.poolThreads = poolThreads;
    }

    /**
     * Takes a slot if fewer than the allowed compactions run; otherwise parks {@code wake} (once, however
     * often it is parked) until a slot is released.
     */
    synchronized boolean tryAcquire(boolean urgent, Runnable wake) {
        if (running < CompactionPacing.allowedCompactions(poolThreads, urgent)) {
            running++;
            parked.remove(wake);
            return true;
        }
        parked.add(wake);
        return false;
    }

    /** Takes a slot if fewer than the allowed compactions run; never parks (a store's second compaction). */
    synchronized boolean tryAcquireWithoutParking(boolean urgent) {
        if (running < CompactionPacing.allowedCompactions(poolThreads, urgent)) {
            running++;
            return true;
        }
        return false;
    }

    /**
     * Gives a slot back and wakes every parked pass (each asks again; the losers park again). Every pass,
     * not the first: a woken store may have been closed or have nothing left to compact, and would then leave
     * the slot free while the others stayed parked with no compaction running to wake them. A wake costs one
     * pick's worth of work per parked store.
     */
    void release() {
        List<Runnable> woken;
        synchronized (this) {
            if (running == 0) {
                throw new IllegalStateException("no compaction slot is held");
            }
            running--;
            woken = new ArrayList<>(parked);
            parked.clear();
        }
        for (Runnable r : woken) {
            r.run();
        }
    }

    synchronized int running() {
        return running;
    }

    synchronized int parked() {
        return parked.size();
    }
}
