package dev.sediment.streams.internal;

import dev.sediment.store.Store;
import dev.sediment.store.StoreException;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.WriteBufferBudget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gathers changelog records across restore batches (Kafka delivers about {@code max.poll.records} at a
 * time) into runs of {@code runBytes}, each applied with {@link Store#ingest}: sorted and written straight
 * to SSTables instead of record by record into a memtable.
 *
 * <p>A full run is written on {@code writer} while the restore thread gathers the next one, so polling
 * the changelog and writing tables overlap; at most one run per store is in flight, which keeps runs in
 * order. The store drains the buffer (waits for the run in flight, then applies what is gathered) before
 * any other operation (reads, writes, close), so nothing is ever read past it. A run that fails goes back
 * in front of the gathered records and the failure is thrown by the next call, so a later commit fails too
 * instead of recording offsets past lost data.
 *
 * <p>Commits during restore (Kafka Streams sends one every commit interval, 100 ms under exactly-once) do
 * not wait and do not cut runs short: the commit point is recorded when the run in progress is applied,
 * with the offset of its last record and the query position after it ({@link #commitAfterGathered}).
 *
 * <p>Gathered and in-flight bytes count against the runtime's memtable budget like a memtable: when the
 * budget is exceeded, the largest holder is drained, whether a memtable or this buffer.
 *
 * <p>Thread-safe: the restore thread adds, and any writer's thread may drain through the budget.
 */
final class RestoreBuffer implements WriteBufferBudget.Member {
    private static final Logger log = LoggerFactory.getLogger(RestoreBuffer.class);

    private final Store store;
    private final WriteBufferBudget budget;
    private final long runBytes;
    private final long minAsyncBytes;
    private final Executor writer;
    private final EngineStoreCore.ChangelogMapping mapping;
    /**
     * The store's query position after the last record gathered, encoded, as the restorer hands it over:
     * taken from the caller, never read here, because readers lock the position before they drain this
     * buffer (IQv2), and reading it under this buffer's lock would take the two locks the other way round.
     */
    private byte[] position = new byte[0];
    private WriteBatch pending = new WriteBatch();
    private long pendingCharged;
    /** The changelog partition ({@code topic-partition}) and offset of the last record gathered. */
    private String partition;
    private long lastOffset = -1;
    /** A commit arrived while records were gathered: record one once they are applied. */
    private boolean commitRequested;
    private long commitRequestedNanos;
    private final long maxCommitDelayNanos;
    private InFlight inFlight;
    private volatile boolean hasPending;
    private volatile long chargedBytes;
    /** Set while this buffer's run is being applied: the budget may call back into it from the same thread. */
    private boolean draining;

    private record Commit(Map<String, Long> offsets, byte[] position) {
    }

    /** A run being written; {@code applied} is set once its records are in the store (before its commit). */
    private record InFlight(WriteBatch run, long charged, Commit commit, FutureTask<Void> task, AtomicBoolean applied) {
    }

    /**
     * @param runBytes      a run is handed to the writer once it holds this many bytes
     * @param minAsyncBytes smaller runs (cut short by a commit or by the budget) are applied on the calling
     *                      thread: {@link Store#ingest} sends them through the memtable, where they may wait
     *                      for budget room, which only the calling thread may do (it can drain this buffer)
     * @param writer        where runs are written
     * @param maxCommitDelay  how long a commit may wait for the run in progress to fill; then what is
     *                        gathered is applied at once (a standby restores a trickle for ever)
     */
    RestoreBuffer(Store store, WriteBufferBudget budget, long runBytes, long minAsyncBytes, Executor writer,
                  Duration maxCommitDelay) {
        this(store, budget, runBytes, minAsyncBytes, writer, maxCommitDelay, EngineStoreCore.AS_IS);
    }

    /** As above, with {@code mapping} turning each changelog record into engine writes. */
    RestoreBuffer(Store store, WriteBufferBudget budget, long runBytes, long minAsyncBytes, Executor writer,
                  Duration maxCommitDelay, EngineStoreCore.ChangelogMapping mapping) {
        this.store = store;
        this.mapping = mapping;
        this.budget = budget;
        this.runBytes = Math.max(runBytes, minAsyncBytes);
        this.minAsyncBytes = minAsyncBytes;
        this.writer = writer;
        this.maxCommitDelayNanos = maxCommitDelay.toNanos();
        budget.register(this);
    }

    /**
     * Adds a batch; hands the run to the writer once it is large enough, applies it here when memory is
     * short. {@code positionAfter} is the store's query position, encoded, once these records are counted
     * in it. Returns the bytes added. Throws the failure of an earlier run (its records are kept).
     */
    synchronized long add(Collection<ConsumerRecord<byte[], byte[]>> records, byte[] positionAfter) {
        position = positionAfter;
        long before = pending.approximateBytes();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            mapping.apply(r, pending);
            lastOffset = r.offset();
            if (partition == null) {
                partition = r.topic() + "-" + r.partition(); // as TopicPartition.toString(), the offsets' key
            }
        }
        long added = pending.approximateBytes() - before;
        charge(added);
        pendingCharged += added;
        hasPending = !pending.isEmpty() || inFlight != null;
        if (pending.approximateBytes() >= runBytes) {
            submit();
        } else if (budget.usedBytes() > budget.limitBytes()) {
            drain();
        }
        return added;
    }

    /**
     * A commit during restore. If it names just the partition being restored and records are gathered, it
     * is recorded once the run in progress is applied, with the offset of that run's last record and the
     * position after it: exactly that state, never past it (the state updater commits the last record it
     * restored, or a transaction marker after it). A commit waits at most {@code maxCommitDelay} for the
     * run to fill; then what is gathered is applied and the commit recorded at once. Returns false if the
     * commit is not for this buffer, after applying what is gathered: then the caller commits at once.
     */
    synchronized boolean commitAfterGathered(Map<String, Long> offsets) {
        Long offset = offsets.size() == 1 && partition != null ? offsets.get(partition) : null;
        if (!pending.isEmpty() && offset != null && offset >= 0) {
            if (!commitRequested) {
                commitRequested = true;
                commitRequestedNanos = System.nanoTime();
            }
            if (System.nanoTime() - commitRequestedNanos >= maxCommitDelayNanos) {
                drain(); // records the commit now: the run fills too slowly
            }
            return true;
        }
        drain();
        return false;
    }

    /** The commit point to record after what is gathered, if one was asked for. */
    private Commit requestedCommit() {
        return commitRequested ? new Commit(Map.of(partition, lastOffset), position) : null;
    }

    /**
     * Hands what is gathered to the writer, after the run in flight, with a requested commit. REQUIRES: at
     * least {@code minAsyncBytes} gathered, so the writer never waits for budget room.
     */
    private void submit() {
        // Sorted here, while the run in flight is written: the sort is then off the writer, whose tables
        // are what a restore waits for.
        pending.keyOrder();
        awaitInFlight();
        WriteBatch run = pending;
        Commit commit = requestedCommit();
        AtomicBoolean applied = new AtomicBoolean();
        FutureTask<Void> task = new FutureTask<>(() -> {
            store.ingest(run);
            applied.set(true);
            if (commit != null) {
                store.commit(commit.offsets(), commit.position());
            }
            return null;
        });
        writer.execute(task); // first: if it is rejected, the records stay gathered
        inFlight = new InFlight(run, pendingCharged, commit, task, applied);
        pending = new WriteBatch();
        pendingCharged = 0;
        commitRequested = false;
        hasPending = true; // the run in flight is not applied yet
    }

    boolean isEmpty() {
        return !hasPending;
    }

    /**
     * Adds a store's own write (not a changelog record) after the records gathered, so a commit recorded when
     * they are applied covers it too. Returns false, adding nothing, when no records are gathered.
     */
    synchronized boolean addAfterGathered(byte[] key, byte[] value) {
        if (pending.isEmpty()) {
            return false;
        }
        long before = pending.approximateBytes();
        pending.put(key, value);
        long added = pending.approximateBytes() - before;
        charge(added);
        pendingCharged += added;
        return true;
    }

    /**
     * Waits for the run in flight, then applies what is gathered; on failure keeps the records and throws.
     * The gathered bytes leave the budget before they are applied: applying may wait for memtable room
     * (small runs go through the memtable), and this buffer must not be what it waits for.
     */
    synchronized void drain() {
        if (draining) {
            return;
        }
        awaitInFlight();
        if (pending.isEmpty()) {
            hasPending = false;
            return;
        }
        Commit commit = requestedCommit();
        long charged = pendingCharged;
        pendingCharged = 0;
        release(charged);
        draining = true;
        try {
            store.ingest(pending);
            pending = new WriteBatch();
            hasPending = false;
            commitRequested = false;
            if (commit != null) {
                store.commit(commit.offsets(), commit.position());
            }
        } catch (RuntimeException e) {
            pendingCharged = charged;
            charge(charged);
            throw e;
        } finally {
            draining = false;
        }
    }

    /** Waits for the run in flight; a failed run goes back in front of the gathered records. */
    private void awaitInFlight() {
        InFlight f = inFlight;
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.task().get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the run is being written: wait for it, then pass the interrupt on
                }
            }
            inFlight = null;
            release(f.charged());
        } catch (ExecutionException e) {
            inFlight = null;
            if (f.applied().get()) {
                release(f.charged()); // only its commit failed: that commit is not recorded
            } else {
                WriteBatch kept = new WriteBatch();
                append(kept, f.run());
                append(kept, pending);
                pending = kept;
                pendingCharged += f.charged();
                hasPending = true;
                commitRequested |= f.commit() != null; // asked for after those records: still owed
            }
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("a restored run could not be written: " + cause, cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void append(WriteBatch to, WriteBatch from) {
        for (WriteBatch.Op op : from.ops()) {
            if (op.isDelete()) {
                to.delete(op.key());
            } else {
                to.put(op.key(), op.value());
            }
        }
    }

    private void charge(long bytes) {
        chargedBytes += bytes;
        budget.charge(bytes);
    }

    private void release(long bytes) {
        chargedBytes -= bytes;
        budget.release(bytes);
    }

    /** Drains, then leaves the budget. */
    synchronized void close() {
        try {
            drain();
        } finally {
            budget.unregister(this);
            release(chargedBytes);
        }
    }

    @Override
    public long activeMemtableBytes() {
        return chargedBytes;
    }

    @Override
    public void freezeActiveMemtable() {
        try {
            drain();
        } catch (RuntimeException e) {
            log.warn("draining a restore buffer for the memory budget failed (kept; the next commit retries): {}",
                    e.toString());
        }
    }
}
