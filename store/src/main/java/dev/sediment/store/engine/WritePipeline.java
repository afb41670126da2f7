package dev.sediment.store.engine;

import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.VersionEdit;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.revision.HistoryRetention;
import dev.sediment.store.revision.RevisionLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The write path: revisions assigned under the lease, entries inserted into the active memtable,
 * the memtable frozen when full (stalling while too many frozen ones wait for flush), the write
 * published by moving the visible revision. Arguments are checked by the caller.
 */
final class WritePipeline {
    private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);

    private final EngineState state;
    private final VersionInstaller installer;
    private final WriteStalls stalls;
    private final FlushScheduler flushes;
    private final CompactionScheduler compactions;
    private final BudgetShare budget;
    private final HistoryRetention history;
    /** Guarded by writeLock. */
    private final RevisionLease lease;

    WritePipeline(EngineState state, VersionInstaller installer, WriteStalls stalls, FlushScheduler flushes,
                  CompactionScheduler compactions, BudgetShare budget, HistoryRetention history) {
        this.state = state;
        this.installer = installer;
        this.stalls = stalls;
        this.flushes = flushes;
        this.compactions = compactions;
        this.budget = budget;
        this.history = history;
        if (state.versions.created()) {
            // Created with its first lease already in the manifest: revisions start at 1 under it.
            this.lease = new RevisionLease(0);
            lease.reserved(state.versions.lastRevision());
        } else {
            this.lease = new RevisionLease(state.versions.lastRevision());
        }
    }

    /** The last revision handed out (visible or not yet). REQUIRES: writeLock held, or a quiescent store. */
    long lastAssigned() {
        return lease.lastAssigned();
    }

    /** Writes one entry; {@code value} null is a delete. Waits for budget room first. */
    long put(byte[] key, byte[] value) {
        budget.awaitRoom();
        synchronized (state.writeLock) {
            state.checkWritable();
            makeRoom(key.length + (value == null ? 0 : value.length));
            long rev = assign(1);
            MemTable active = state.readState.active();
            long before = active.approximateBytes();
            insert(active, rev, key, value, false);
            return publish(active, before, rev);
        }
    }

    /** Writes a batch atomically through the memtable, without waiting for budget room. */
    long write(WriteBatch batch) {
        int[] order = batch.writeOrder(); // sorted before the lock: other writers need not wait for it
        synchronized (state.writeLock) {
            state.checkWritable();
            if (batch.isEmpty()) {
                return state.visibleRevision;
            }
            // The whole batch goes into one memtable, so a flush never splits it: atomic across crashes too.
            makeRoom(batch.approximateBytes());
            long rev = assign(batch.ops().size()) - 1;
            MemTable active = state.readState.active();
            long before = active.approximateBytes();
            // Revisions follow the batch's order; the inserts go in internal-key order so each starts from
            // the previous one's place in the skip list. Readers see none of it before publish.
            List<WriteBatch.Op> ops = batch.ops();
            for (int i : order) {
                WriteBatch.Op op = ops.get(i);
                insert(active, rev + 1 + i, op.key(), op.isDelete() ? null : op.value(), true);
            }
            rev += ops.size();
            return publish(active, before, rev);
        }
    }

    /** The one memtable insert: the memtable keeps copies, callers may reuse their arrays. */
    private static void insert(MemTable active, long rev, byte[] key, byte[] valueOrNull, boolean afterPrevious) {
        if (valueOrNull == null) {
            active.add(key, InternalKeys.trailer(rev, KeyKind.DELETE), NO_VALUE, afterPrevious);
        } else {
            active.add(key, InternalKeys.trailer(rev, KeyKind.PUT), valueOrNull, afterPrevious);
        }
    }

    /** A tombstone's value: the memtable copies bytes, so one shared empty array serves every delete. */
    private static final byte[] NO_VALUE = new byte[0];

    /** Makes writes up to {@code rev} visible. REQUIRES: writeLock held. */
    private long publish(MemTable active, long bytesBefore, long rev) {
        budget.charge(active.approximateBytes() - bytesBefore);
        publish(rev);
        return rev;
    }

    /** Makes writes up to {@code rev} visible (their entries are in the read state). REQUIRES: writeLock held. */
    void publish(long rev) {
        state.visibleRevision = rev;
        history.sample(state.options.clock(), rev);
    }

    /** Hands out {@code n} revisions, leasing more first if needed; returns the first. REQUIRES: writeLock held. */
    long assign(int n) {
        reserve(n);
        return lease.assign(n);
    }

    /** Makes sure the next {@code n} revisions are durably reserved. REQUIRES: writeLock held. */
    void reserve(int n) {
        long reservation = lease.reservationFor(n);
        if (reservation < 0) {
            return;
        }
        installer.install(VersionEdit.builder().lastRevision(reservation).build(), true, "a revision lease",
                VersionInstaller.SAME_MEMTABLES);
        lease.reserved(reservation);
    }

    /** Applies the write-stall decision to a write of {@code bytes}. REQUIRES: writeLock held. */
    void throttle(long bytes) {
        stalls.throttle(compactions, bytes);
    }

    /**
     * Freezes the active memtable if {@code incomingBytes} would overflow it, stalling while too many
     * frozen memtables wait for flush. REQUIRES: writeLock held.
     */
    private void makeRoom(long incomingBytes) {
        throttle(incomingBytes);
        MemTable active = state.readState.active();
        if (active.isEmpty() || active.approximateBytes() + incomingBytes <= state.options.memtableSizeBytes()) {
            return;
        }
        freezeActive(false);
    }

    /** Flushes everything written so far and waits for it. */
    void flush() {
        state.checkWritable();
        long target;
        long failuresBefore;
        synchronized (state.writeLock) {
            target = state.visibleRevision;
            failuresBefore = flushes.failures();
            if (!state.readState.active().isEmpty()) {
                freezeActive(false);
            }
        }
        flushes.waitFor(target, failuresBefore);
    }

    /** The runtime's budget asks this store to flush its active memtable. Takes the write lock. */
    void freezeForBudget() {
        synchronized (state.writeLock) {
            if (state.stopping() || state.readState.active().isEmpty()) {
                return;
            }
            try {
                freezeActive(false);
            } catch (StoreException e) {
                log.debug("{}: no freeze for the memtable budget: {}", state.dir, e.toString());
            }
        }
    }

    /** The replay check (see {@link CommitPoints}) flushes an old commit point's memtable. REQUIRES: writeLock held. */
    void freezeActive() {
        freezeActive(false);
    }

    /**
     * Moves the active memtable to the frozen list, waiting for room. {@code closing}: called by close()
     * itself, which must wait for room rather than give way. REQUIRES: writeLock held.
     */
    void freezeActive(boolean closing) {
        Object stateLock = state.stateLock;
        synchronized (stateLock) {
            if (state.readState.immutables().size() >= state.options.maxImmutableMemtables()) {
                stalls.beginLocked();
                long start = System.nanoTime();
                long failuresBefore = flushes.failuresLocked();
                try {
                    while (state.readState.immutables().size() >= state.options.maxImmutableMemtables()) {
                        flushes.scheduleLocked();
                        if (state.fatalError != null) {
                            throw state.fatalError;
                        }
                        if (flushes.failuresLocked() != failuresBefore) {
                            // A failing disk fails the waiting write instead of hanging it (and close()
                            // finishes, giving up like a crash would). Nothing is lost: the frozen
                            // memtables stay readable and their flush is retried with backoff.
                            throw new StoreIOException("flush of " + state.dir + " failed while a write waited for "
                                    + "memtable room; retry the write later", flushes.lastErrorLocked());
                        }
                        if (state.closed || (state.closeRequested && !closing)) {
                            throw new StoreClosedException("store " + state.dir);
                        }
                        try {
                            stateLock.wait(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new StoreException("interrupted while waiting for a memtable flush in " + state.dir);
                        }
                    }
                } finally {
                    stalls.recordLocked("STOP frozen memtables waiting for flush", System.nanoTime() - start);
                }
            }
            ReadState s = state.readState;
            // A frozen memtable keeps its arenas' unused tails until its flush: the budget counts them too.
            MemTable active = s.active();
            budget.charge(active.frozenBytes() - active.approximateBytes());
            List<MemTable> frozen = new ArrayList<>(s.immutables().size() + 1);
            frozen.add(active);
            frozen.addAll(s.immutables());
            installer.swapMemtablesLocked(new ReadState(new MemTable(state.options.memtableSizeBytes()), frozen, s.version()));
            flushes.scheduleLocked();
        }
    }
}
