package dev.sediment.store.iterator;

import java.io.Closeable;

/**
 * An iterator over internal entries {@code (userKey, trailer) -> value} in internal-key order (see
 * {@link dev.sediment.store.key.InternalKeys}): user key ascending, trailer descending. Every
 * version and tombstone is visible here; hiding them is the job of the layers above.
 *
 * <p>Contract:
 * <ul>
 *   <li>A new iterator is unpositioned ({@link #valid()} is false) until a seek.</li>
 *   <li>{@link #userKey()}, {@link #trailer()} and {@link #value()} REQUIRE {@link #valid()}.
 *       Returned arrays are never modified afterwards, so callers may keep them.</li>
 *   <li>{@link #next()} and {@link #prev()} REQUIRE {@link #valid()}; direction may change at any time.</li>
 *   <li>I/O failures and corruption surface as unchecked {@code StoreIOException} and
 *       {@code CorruptionException} naming the file.</li>
 *   <li>Not thread-safe. {@link #close()} is idempotent and releases what the iterator pins.</li>
 * </ul>
 */
public interface InternalIterator extends Closeable {
    boolean valid();

    void seekToFirst();

    void seekToLast();

    /** Positions at the first entry at or after {@code (userKey, trailer)}. */
    void seek(byte[] userKey, long trailer);

    /** Positions at the last entry at or before {@code (userKey, trailer)}. */
    void seekForPrev(byte[] userKey, long trailer);

    void next();

    void prev();

    byte[] userKey();

    long trailer();

    /** The value; an empty array for tombstones. */
    byte[] value();

    /**
     * The value in place, for a caller that only copies it on (a compaction or flush writing a table): its bytes
     * are {@code valueArray()[valueOffset(), valueOffset() + valueLength())}. Unlike {@link #value()}, the array
     * may be the iterator's own buffer, valid only until it moves; callers never write to it. The defaults
     * return {@link #value()}; an iterator that would copy to make that array overrides all three.
     */
    default byte[] valueArray() {
        return value();
    }

    /** See {@link #valueArray()}. */
    default int valueOffset() {
        return 0;
    }

    /** See {@link #valueArray()}. */
    default int valueLength() {
        return value().length;
    }

    @Override
    void close();
}
