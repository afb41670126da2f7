package dev.sediment.store;

/**
 * A cursor over live keys in a {@link KeyRange}, in one direction, reading one snapshot: writes made
 * after it was created are never seen and never break it. Positioned on the first entry when
 * created. Not thread-safe. Must be closed; closing the store closes it.
 */
public interface StoreIterator extends AutoCloseable {
    /** True while positioned on an entry. */
    boolean valid();

    /** REQUIRES: {@link #valid()}. The array is the caller's to keep. */
    byte[] key();

    /** REQUIRES: {@link #valid()}. The array is the caller's to keep. */
    byte[] value();

    /** Moves to the next entry in the iterator's direction. REQUIRES: {@link #valid()}. */
    void next();

    /** Releases what the iterator pins (files, memtables). Idempotent. */
    @Override
    void close();
}
