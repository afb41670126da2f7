package dev.sediment.store;

/**
 * A revision pinned for reads: every read through it sees the store exactly as it was when the
 * snapshot was taken. Pins the data it may need (compaction keeps it), so close it when done;
 * closing the store closes it. Thread-safe.
 */
public interface Snapshot extends AutoCloseable {
    /** The pinned revision: the last write visible through this snapshot. */
    long revision();

    /** The value of {@code key} at this snapshot, or null. */
    byte[] get(byte[] key);

    /** An iterator over {@code range} at this snapshot, ascending or descending. */
    StoreIterator iterator(KeyRange range, boolean reverse);

    /** Idempotent. */
    @Override
    void close();
}
