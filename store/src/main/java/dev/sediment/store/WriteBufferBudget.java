package dev.sediment.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bound on memtable memory shared by many stores (RocksDB's WriteBufferManager idea). Stores
 * {@link #charge} what they insert and {@link #release} what their flushes free. A writer calls
 * {@link #awaitRoom} before inserting: while the total is over the limit it asks the member with the
 * largest active memtable to freeze it (which schedules its flush) and waits until flushes bring the
 * total back under the limit. So the total stays within the limit plus, per waiting writer, its write in
 * flight and the unused tails of the arena chunks of the memtable it froze (a memtable is charged its
 * bytes as they are written, and at its freeze the rest of the chunks it holds until its flush: at most
 * two chunks, 1/16 of the memtable size each).
 *
 * <p>Thread-safety and locking: safe from any thread. {@link #awaitRoom} must be called holding no
 * store lock, because freezing another store takes that store's write lock; charge and release take
 * no lock that a waiter holds, so they may be called under a store's locks.
 */
public final class WriteBufferBudget {
    /** A store sharing the budget. */
    public interface Member {
        /** Bytes in the active (not yet frozen) memtable. */
        long activeMemtableBytes();

        /** Freezes the active memtable and schedules its flush; a no-op if empty or closing. */
        void freezeActiveMemtable();
    }

    private final long limitBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong stallNanos = new AtomicLong();
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final Object roomFreed = new Object();

    public WriteBufferBudget(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limitBytes must be > 0: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    public void register(Member m) {
        members.add(m);
    }

    public void unregister(Member m) {
        members.remove(m);
    }

    public void charge(long bytes) {
        long now = usedBytes.addAndGet(bytes);
        peakBytes.accumulateAndGet(now, Math::max);
    }

    public void release(long bytes) {
        usedBytes.addAndGet(-bytes);
        synchronized (roomFreed) {
            roomFreed.notifyAll();
        }
    }

    /**
     * Returns at once while under the limit; otherwise freezes the largest active memtable and waits
     * until flushes free enough. REQUIRES: the caller holds no store lock.
     */
    public void awaitRoom() {
        if (usedBytes.get() <= limitBytes) {
            return;
        }
        long start = System.nanoTime();
        stalls.incrementAndGet();
        try {
            while (usedBytes.get() > limitBytes) {
                Member largest = largestActive();
                if (largest != null) {
                    largest.freezeActiveMemtable();
                }
                synchronized (roomFreed) {
                    if (usedBytes.get() > limitBytes) {
                        // Bounded wait: a freeze may free nothing until its flush completes elsewhere.
                        roomFreed.wait(20);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for memtable memory", e);
        } finally {
            stallNanos.addAndGet(System.nanoTime() - start);
        }
    }

    private Member largestActive() {
        Member best = null;
        long bestBytes = 0;
        for (Member m : members) {
            long b = m.activeMemtableBytes();
            if (b > bestBytes) {
                best = m;
                bestBytes = b;
            }
        }
        return best;
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** Memtable bytes charged and not yet released, across all members. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** The highest {@link #usedBytes()} seen. */
    public long peakBytes() {
        return peakBytes.get();
    }

    public int members() {
        return members.size();
    }

    /** Times a writer waited for room. */
    public long stalls() {
        return stalls.get();
    }

    public long stallNanos() {
        return stallNanos.get();
    }
}
