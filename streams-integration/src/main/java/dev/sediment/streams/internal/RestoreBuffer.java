package dev.sediment.streams.internal;

import dev.sediment.store.Store;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.memtable.WriteBufferBudget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;

/**
 * Gathers changelog records across restore batches (Kafka delivers about {@code max.poll.records} at a
 * time) into runs of about a memtable's size, each applied with {@link Store#ingest}: written straight to
 * an SSTable instead of record by record into a memtable.
 *
 * <p>Gathered bytes count against the runtime's memtable budget like a memtable: when the budget is
 * exceeded, the largest holder is drained, whether a memtable or this buffer. The store drains the buffer
 * before any other operation (reads, writes, commit, close), so nothing is ever read or committed past it.
 * A failed drain keeps the records, so a later commit fails too instead of recording offsets past lost data.
 *
 * <p>Thread-safe: the restore thread adds, and any writer's thread may drain through the budget.
 */
final class RestoreBuffer implements WriteBufferBudget.Member {
    private static final Logger log = LoggerFactory.getLogger(RestoreBuffer.class);

    private final Store store;
    private final WriteBufferBudget budget;
    private final long runBytes;
    private WriteBatch pending = new WriteBatch();
    private volatile boolean hasPending;
    private volatile long chargedBytes;
    /** Set while this buffer's run is being applied: the budget may call back into it from the same thread. */
    private boolean draining;

    RestoreBuffer(Store store, WriteBufferBudget budget, long runBytes) {
        this.store = store;
        this.budget = budget;
        this.runBytes = runBytes;
        budget.register(this);
    }

    /** Adds a batch; applies the run once it is large enough or memory is short. Returns the bytes added. */
    synchronized long add(Collection<ConsumerRecord<byte[], byte[]>> records) {
        long before = pending.approximateBytes();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                pending.delete(r.key());
            } else {
                pending.put(r.key(), r.value());
            }
        }
        long added = pending.approximateBytes() - before;
        hasPending = !pending.isEmpty();
        chargedBytes += added;
        budget.charge(added);
        if (pending.approximateBytes() >= runBytes || budget.usedBytes() > budget.limitBytes()) {
            drain();
        }
        return added;
    }

    boolean isEmpty() {
        return !hasPending;
    }

    /**
     * Applies what is gathered; on failure keeps it and throws. The bytes leave the budget before the run is
     * applied: applying may wait for memtable room (small runs go through the memtable), and this buffer must
     * not be what it waits for.
     */
    synchronized void drain() {
        if (pending.isEmpty() || draining) {
            return;
        }
        long charged = chargedBytes;
        chargedBytes = 0;
        budget.release(charged);
        draining = true;
        try {
            store.ingest(pending);
            pending = new WriteBatch();
            hasPending = false;
        } catch (RuntimeException e) {
            chargedBytes = charged;
            budget.charge(charged);
            throw e;
        } finally {
            draining = false;
        }
    }

    /** Drains, then leaves the budget. */
    synchronized void close() {
        try {
            drain();
        } finally {
            budget.unregister(this);
            budget.release(chargedBytes);
            chargedBytes = 0;
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
