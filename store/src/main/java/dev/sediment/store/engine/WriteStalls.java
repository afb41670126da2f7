package dev.sediment.store.engine;

import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.compaction.CompactionEnv;
import dev.sediment.store.compaction.CompactionPacing;
import dev.sediment.store.compaction.CompactionPicker;
import dev.sediment.store.compaction.StallDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * Write stalls: the decision (none, slow down, stop) recomputed whenever the tree's shape changes, the
 * throttle writers pass through, and the stall counters. Methods ending in Locked require the state lock.
 */
final class WriteStalls {
    private static final Logger log = LoggerFactory.getLogger(WriteStalls.class);
    /** The write rate a SLOWDOWN allows: RocksDB's default delayed write rate. */
    static final long SLOWDOWN_BYTES_PER_SECOND = 16L << 20;
    /** Shorter waits are carried forward: a wait costs a context switch. */
    private static final long MIN_SLOWDOWN_WAIT_NANOS = 1_000_000;

    private final EngineState state;
    private final TreeShape shape;
    private final CompactionPicker picker;
    private volatile StallDecision decision = StallDecision.NONE;
    private volatile long pendingCompactionBytes;
    /** {@link CompactionPacing#urgent} for the current shape. */
    private volatile boolean compactionUrgent;
    // Guarded by stateLock.
    private long stalls;
    private long stallNanos;
    /** Paces writes under SLOWDOWN. Guarded by the state lock. */
    private final WritePacer pacer = new WritePacer(SLOWDOWN_BYTES_PER_SECOND);
    /** Stall kind and cause (e.g. "STOP L0 files") → {count, nanos}. */
    private final Map<String, long[]> byCause = new TreeMap<>();

    WriteStalls(EngineState state, TreeShape shape, CompactionPicker picker) {
        this.state = state;
        this.shape = shape;
        this.picker = picker;
    }

    /** Recomputes the decision for the current shape and wakes stalled writers. */
    void updateLocked() {
        CompactionEnv env = shape.envLocked();
        pendingCompactionBytes = picker.pendingCompactionBytes(env);
        compactionUrgent = CompactionPacing.urgent(env, pendingCompactionBytes);
        StallDecision d = picker.stall(env, state.readState.immutables().size(),
                state.options.maxImmutableMemtables() + 1);
        if (d.kind() != decision.kind()) {
            if (d.kind() == StallDecision.Kind.NONE) {
                log.info("writes to {} no longer stalled", state.dir);
            } else {
                log.info("writes to {} {}", state.dir, d);
            }
        }
        if (d.kind() != decision.kind()) {
            pacer.reset(); // a new slowdown starts from the clock, not from an old one's bookings
        }
        decision = d;
        state.stateLock.notifyAll();
    }

    /**
     * Applies the decision: at SLOWDOWN writes are paced to {@link #SLOWDOWN_BYTES_PER_SECOND} (RocksDB's
     * delayed write rate): each write of {@code bytes} books its share of the rate, and a writer waits only
     * once its booked time runs more than a millisecond ahead of the clock, so small writes pay in
     * proportion to their size. (A fixed 1 ms per write, LevelDB's delay, held 116-byte writes to about
     * 1,000 per second, 0.1 MB/s, while compaction needed only a moment.) At STOP a write waits until
     * compaction catches up, asking {@code compactions} for it. Never fails a write for being slow, but
     * fails one whose STOP a compaction failed to lift (a failing disk): otherwise it would wait forever,
     * asking for compactions that fail again. Nothing is lost; the write was not applied and may be retried.
     * REQUIRES: writeLock held.
     */
    void throttle(CompactionScheduler compactions, long bytes) {
        StallDecision d = decision;
        if (d.kind() == StallDecision.Kind.NONE) {
            return;
        }
        Object stateLock = state.stateLock;
        synchronized (stateLock) {
            long start = System.nanoTime();
            String cause = d.kind() + " " + cause(d.reason());
            try {
                if (decision.kind() == StallDecision.Kind.SLOWDOWN) {
                    long ahead = pacer.book(start, bytes);
                    if (ahead < MIN_SLOWDOWN_WAIT_NANOS) {
                        return;
                    }
                    stalls++;
                    // A shape change (notifyAll in updateLocked) ends the wait early.
                    stateLock.wait(ahead / 1_000_000, (int) (ahead % 1_000_000));
                    recordLocked(cause, System.nanoTime() - start);
                    return;
                }
                stalls++;
                long failuresBefore = compactions.failuresLocked();
                while (decision.kind() == StallDecision.Kind.STOP) {
                    compactions.scheduleLocked();
                    if (state.fatalError != null) {
                        throw state.fatalError;
                    }
                    if (state.closed || state.closeRequested) {
                        throw new StoreClosedException("store " + state.dir);
                    }
                    if (compactions.failuresLocked() != failuresBefore) {
                        recordLocked(cause, System.nanoTime() - start);
                        throw new StoreIOException("compaction of " + state.dir + " failed while a write waited at "
                                + decision.reason() + "; the write was not applied, retry it later",
                                compactions.lastErrorLocked());
                    }
                    stateLock.wait(100);
                }
                recordLocked(cause, System.nanoTime() - start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while writes to " + state.dir + " were stalled: " + d.reason());
            }
        }
    }

    /** The cause of a stall reason without its numbers: "L0 files 4 >= stop trigger 4" → "L0 files". */
    private static String cause(String reason) {
        return reason.split(" [0-9]", 2)[0];
    }

    /** Counts a stall that began elsewhere (a writer waiting for frozen memtables to flush). */
    void beginLocked() {
        stalls++;
    }

    /** Adds {@code nanos} of stall to {@code cause}. */
    void recordLocked(String cause, long nanos) {
        stallNanos += nanos;
        long[] c = byCause.computeIfAbsent(cause, k -> new long[2]);
        c[0]++;
        c[1] += nanos;
    }

    StallDecision decision() {
        return decision;
    }

    /** Whether the shape, as of the last version or memtable change, makes compaction urgent. */
    boolean compactionUrgent() {
        return compactionUrgent;
    }

    long pendingCompactionBytes() {
        return pendingCompactionBytes;
    }

    long countLocked() {
        return stalls;
    }

    long nanosLocked() {
        return stallNanos;
    }

    /** "cause: count stalls, millis ms" per stall cause. */
    Map<String, String> summaryLocked() {
        Map<String, String> m = new TreeMap<>();
        byCause.forEach((k, v) -> m.put(k, v[0] + " stalls, " + v[1] / 1_000_000 + " ms"));
        return m;
    }
}
