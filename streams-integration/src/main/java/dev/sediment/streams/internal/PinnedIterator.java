package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;

/** An iterator that owns the snapshot it reads: closing it releases both. */
final class PinnedIterator implements StoreIterator {
    private final Snapshot snapshot;
    private final StoreIterator it;

    private PinnedIterator(Snapshot snapshot, StoreIterator it) {
        this.snapshot = snapshot;
        this.it = it;
    }

    /** Reads {@code range} through {@code snapshot}, which the iterator closes (also if opening it fails). */
    static StoreIterator over(Snapshot snapshot, KeyRange range, boolean reverse) {
        try {
            return new PinnedIterator(snapshot, snapshot.iterator(range, reverse));
        } catch (RuntimeException e) {
            snapshot.close();
            throw e;
        }
    }

    @Override
    public boolean valid() {
        return it.valid();
    }

    @Override
    public byte[] key() {
        return it.key();
    }

    @Override
    public byte[] value() {
        return it.value();
    }

    @Override
    public void next() {
        it.next();
    }

    @Override
    public void close() {
        try {
            it.close();
        } finally {
            snapshot.close();
        }
    }
}
