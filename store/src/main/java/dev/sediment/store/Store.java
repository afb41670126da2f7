package dev.sediment.store;

import dev.sediment.store.engine.Engine;

import java.nio.file.Path;

/**
 * A Sediment store: an ordered map of byte-array keys to byte-array values (keys compared as
 * unsigned bytes), kept in an LSM tree in one directory.
 *
 * <p>Every write is assigned a <em>revision</em>, a number that only grows and is never reused. Reads
 * see the latest revision unless made through a {@link Snapshot}. There is no write-ahead log: writes
 * become durable when their memtable is flushed to an SSTable ({@link #flush()}, or in the
 * background as memtables fill); after a crash the store opens with every flushed write and none of
 * the unflushed ones. (In Kafka Streams the changelog topic is the log.)
 *
 * <p>Errors: null keys or values throw {@link NullPointerException}; keys or values over the limits in
 * {@link StoreOptions} throw {@link IllegalArgumentException}; use after {@link #close()} throws
 * {@link StoreClosedException}; damaged files throw {@link CorruptionException}; I/O failures throw
 * {@link StoreIOException}. A failed background flush leaves the previous state intact.
 *
 * <p>Thread-safe: writes are serialized; reads and iterators run concurrently with them.
 */
public interface Store extends AutoCloseable {
    /** Opens (or creates, per {@link StoreOptions#createIfMissing()}) the store in {@code dir}. */
    static Store open(Path dir, StoreOptions options) {
        return Engine.open(dir, options);
    }

    /** Sets {@code key} to {@code value}; returns the write's revision. */
    long put(byte[] key, byte[] value);

    /** Removes {@code key} (a tombstone); returns the write's revision. */
    long delete(byte[] key);

    /** Applies the batch atomically; returns the revision of its last operation (or the current revision if empty). */
    long write(WriteBatch batch);

    /** The latest value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** An iterator over {@code range} at the latest revision, ascending or descending. */
    StoreIterator iterator(KeyRange range, boolean reverse);

    /** Pins the latest revision for reads. */
    Snapshot snapshot();

    /** The last revision assigned (and visible to reads). */
    long lastRevision();

    /** Writes every memtable to SSTables and waits until they are durable. */
    void flush();

    /**
     * Compacts every table holding keys in {@code [from, to]} (null = unbounded; both null = the whole
     * store) down to the last level, dropping superseded versions and tombstones no snapshot needs.
     * Flushes first; blocks until done. {@code from > to} is an empty range: nothing happens.
     */
    void compactRange(byte[] from, byte[] to);

    StoreStats stats();

    /**
     * Flushes memtables, waits for background work and releases files and the directory lock.
     * Closes open iterators and snapshots. Idempotent.
     */
    @Override
    void close();
}
