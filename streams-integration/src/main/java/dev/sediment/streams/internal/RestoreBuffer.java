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
    private volatile long chargedBytes;

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
        chargedBytes += added;
        budget.charge(added);
        if (pending.approximateBytes() >= runBytes || budget.usedBytes() > budget.limitBytes()) {
            drain();
        }
        return added;
    }

    boolean isEmpty() {
        return chargedBytes == 0;
    }

    /** Applies what is gathered; on failure keeps it and throws. */
    synchronized void drain() {
        if (pending.isEmpty()) {
            return;
        }
        store.ingest(pending);
        pending = new WriteBatch();
        long charged = chargedBytes;
        chargedBytes = 0;
        budget.release(charged);
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
