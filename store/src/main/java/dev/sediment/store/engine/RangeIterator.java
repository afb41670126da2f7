package dev.sediment.store.engine;

import dev.sediment.store.iterator.InternalIterator;

import java.util.Arrays;

/**
 * Restricts a forward scan to user keys in {@code [from, to)} (null = unbounded): what one
 * subcompaction reads. Forward only: {@link #seekToFirst()} positions at the first version of the
 * first key at or after {@code from}. Closing does not close the wrapped iterator.
 */
final class RangeIterator implements InternalIterator {
    private final InternalIterator inner;
    private final byte[] from;
    private final byte[] to;

    RangeIterator(InternalIterator inner, byte[] from, byte[] to) {
        this.inner = inner;
        this.from = from;
        this.to = to;
    }

    @Override
    public boolean valid() {
        return inner.valid() && (to == null || Arrays.compareUnsigned(inner.userKey(), to) < 0);
    }

    @Override
    public void seekToFirst() {
        if (from == null) {
            inner.seekToFirst();
        } else {
            inner.seek(from, -1L); // (from, max trailer): before every version of `from`
        }
    }

    @Override
    public void next() {
        inner.next();
    }

    @Override
    public byte[] userKey() {
        return inner.userKey();
    }

    @Override
    public long trailer() {
        return inner.trailer();
    }

    @Override
    public byte[] value() {
        return inner.value();
    }

    @Override
    public byte[] valueArray() {
        return inner.valueArray();
    }

    @Override
    public int valueOffset() {
        return inner.valueOffset();
    }

    @Override
    public int valueLength() {
        return inner.valueLength();
    }

    @Override
    public void seekToLast() {
        throw new UnsupportedOperationException("forward only");
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        throw new UnsupportedOperationException("forward only");
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        throw new UnsupportedOperationException("forward only");
    }

    @Override
    public void prev() {
        throw new UnsupportedOperationException("forward only");
    }

    @Override
    public void close() {
    }
}
