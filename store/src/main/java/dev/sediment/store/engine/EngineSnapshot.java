package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreIterator;

import java.util.Objects;

/** A pinned revision; reads go through the engine's read path at that revision. */
final class EngineSnapshot implements Snapshot {
    private final Reads reads;
    private final long revision;
    private volatile boolean closed;

    EngineSnapshot(Reads reads, long revision) {
        this.reads = reads;
        this.revision = revision;
    }

    @Override
    public long revision() {
        return revision;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("snapshot at revision " + revision);
        }
        reads.checkOpen();
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        checkOpen();
        return reads.getAt(key, revision);
    }

    @Override
    public StoreIterator iterator(KeyRange range, boolean reverse) {
        Objects.requireNonNull(range, "range must not be null");
        checkOpen();
        return reads.iteratorAt(range, reverse, revision);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            reads.snapshotClosed(this);
        }
    }
}
