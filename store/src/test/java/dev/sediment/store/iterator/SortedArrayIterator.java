package dev.sediment.store.iterator;

import dev.sediment.store.key.InternalKeys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An {@link InternalIterator} over entries held in memory in internal-key order, e.g. a sorted write
 * batch or a test's fixture. Seeks are binary searches; next and prev are index steps.
 *
 * <p>INVARIANT: the entries are strictly increasing in internal-key order (no two equal internal keys).
 * The arrays of an entry are shared, not copied, and must not be modified. Not thread-safe.
 */
final class SortedArrayIterator implements InternalIterator {
    private static final byte[] EMPTY = new byte[0];

    /** One internal entry; a null value is stored as the empty array (a tombstone's value). */
    public record Entry(byte[] userKey, long trailer, byte[] value) {
        public Entry {
            Objects.requireNonNull(userKey, "userKey");
            value = value == null ? EMPTY : value;
        }

        @Override
        public String toString() {
            return InternalKeys.toDebugString(userKey, trailer) + "=" + InternalKeys.printable(value);
        }
    }

    private final byte[][] userKeys;
    private final long[] trailers;
    private final byte[][] values;
    /** The current index; out of {@code [0, size)} means unpositioned. */
    private int pos = -1;
    private boolean closed;

    private SortedArrayIterator(List<Entry> entries) {
        int n = entries.size();
        userKeys = new byte[n][];
        trailers = new long[n];
        values = new byte[n][];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            userKeys[i] = e.userKey();
            trailers[i] = e.trailer();
            values[i] = e.value();
            if (i > 0 && InternalKeys.compare(userKeys[i - 1], trailers[i - 1], userKeys[i], trailers[i]) >= 0) {
                throw new IllegalArgumentException("entries are not strictly increasing at index " + i + ": "
                        + entries.get(i - 1) + " then " + e);
            }
        }
    }

    /** An iterator over {@code entries}, which must already be strictly increasing in internal-key order. */
    public static SortedArrayIterator of(List<Entry> entries) {
        return new SortedArrayIterator(entries);
    }

    /** An iterator over a sorted copy of {@code entries}; duplicate internal keys are rejected. */
    public static SortedArrayIterator sortedCopyOf(Collection<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> InternalKeys.compare(a.userKey(), a.trailer(), b.userKey(), b.trailer()));
        return new SortedArrayIterator(sorted);
    }

    public int size() {
        return trailers.length;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean valid() {
        return pos >= 0 && pos < trailers.length;
    }

    @Override
    public void seekToFirst() {
        pos = 0;
    }

    @Override
    public void seekToLast() {
        pos = trailers.length - 1;
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        pos = firstAfter(userKey, trailer, false);
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        pos = firstAfter(userKey, trailer, true) - 1;
    }

    @Override
    public void next() {
        requireValid();
        pos++;
    }

    @Override
    public void prev() {
        requireValid();
        pos--;
    }

    @Override
    public byte[] userKey() {
        requireValid();
        return userKeys[pos];
    }

    @Override
    public long trailer() {
        requireValid();
        return trailers[pos];
    }

    @Override
    public byte[] value() {
        requireValid();
        return values[pos];
    }

    @Override
    public void close() {
        closed = true;
        pos = -1;
    }

    /** The index of the first entry {@code > target} if {@code strictly}, else {@code >= target}. */
    private int firstAfter(byte[] userKey, long trailer, boolean strictly) {
        int lo = 0;
        int hi = trailers.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = InternalKeys.compare(userKeys[mid], trailers[mid], userKey, trailer);
            if (c < 0 || (strictly && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void requireValid() {
        if (!valid()) {
            throw new IllegalStateException("iterator is not positioned");
        }
    }
}
