package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;

import java.util.Arrays;

/**
 * The user-facing iterator: walks the merged internal entries of every source and yields, for each
 * user key in the range, its newest version at the snapshot revision, skipping keys whose newest
 * version is a tombstone. One direction per iterator. Holds a pinned read state until closed.
 */
final class SnapshotIterator implements StoreIterator {
    private final InternalIterator merged;
    private final long snapshot;
    private final KeyRange range;
    private final boolean reverse;
    private final Runnable onClose;
    private byte[] key;
    private byte[] value;
    private boolean closed;

    SnapshotIterator(InternalIterator merged, long snapshot, KeyRange range, boolean reverse, Runnable onClose) {
        this.merged = merged;
        this.snapshot = snapshot;
        this.range = range;
        this.reverse = reverse;
        this.onClose = onClose;
        if (range.isEmpty()) {
            return;
        }
        if (reverse) {
            if (range.to() == null) {
                merged.seekToLast();
            } else if (range.toInclusive()) {
                merged.seekForPrev(range.to(), 0L); // (to, 0) sorts after every entry of `to`
            } else {
                merged.seekForPrev(range.to(), -1L); // before (to, max trailer): entries of smaller keys
                while (merged.valid() && Arrays.equals(merged.userKey(), range.to())) {
                    merged.prev();
                }
            }
            findPrev();
        } else {
            if (range.from() == null) {
                merged.seekToFirst();
            } else {
                merged.seek(range.from(), -1L); // (from, max trailer) sorts before every entry of `from`
            }
            findNext();
        }
    }

    private void findNext() {
        while (merged.valid()) {
            byte[] k = merged.userKey();
            if (!range.belowUpper(k)) {
                break;
            }
            long trailer = merged.trailer();
            if (InternalKeys.revision(trailer) > snapshot || !range.aboveLower(k)) {
                merged.next();
                continue;
            }
            boolean deleted = InternalKeys.isDelete(trailer);
            byte[] v = deleted ? null : merged.value();
            skipRestOf(k);
            if (!deleted) {
                key = k;
                value = v;
                return;
            }
        }
        key = null;
        value = null;
    }

    private void skipRestOf(byte[] k) {
        do {
            merged.next();
        } while (merged.valid() && Arrays.equals(merged.userKey(), k));
    }

    /** Going backwards a key's versions arrive oldest first: keep the last visible one seen. */
    private void findPrev() {
        while (merged.valid()) {
            byte[] k = merged.userKey();
            if (!range.aboveLower(k)) {
                break;
            }
            long found = 0;
            byte[] foundValue = null;
            boolean any = false;
            do {
                long trailer = merged.trailer();
                if (InternalKeys.revision(trailer) <= snapshot) {
                    any = true;
                    found = trailer;
                    foundValue = merged.value();
                }
                merged.prev();
            } while (merged.valid() && Arrays.equals(merged.userKey(), k));
            if (any && !InternalKeys.isDelete(found) && range.belowUpper(k)) {
                key = k;
                value = foundValue;
                return;
            }
        }
        key = null;
        value = null;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("iterator");
        }
    }

    @Override
    public boolean valid() {
        checkOpen();
        return key != null;
    }

    @Override
    public byte[] key() {
        checkOpen();
        if (key == null) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
        return key;
    }

    @Override
    public byte[] value() {
        checkOpen();
        if (key == null) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
        return value;
    }

    @Override
    public void next() {
        checkOpen();
        if (key == null) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
        if (reverse) {
            findPrev();
        } else {
            findNext();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        key = null;
        value = null;
        try {
            merged.close();
        } finally {
            onClose.run();
        }
    }
}
