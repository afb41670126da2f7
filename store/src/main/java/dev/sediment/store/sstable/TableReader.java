package dev.sediment.store.sstable;

import dev.sediment.store.cache.BlockCache;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.iterator.InternalIterator;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads one SSTable. {@link #open} checks the footer (magic, format version) and reads the index,
 * filter and properties blocks, verifying their checksums; data blocks are verified when read.
 * Thread-safe: many iterators may read one table concurrently.
 */
public final class TableReader implements Closeable {
    /**
     * @param path  the file's path, named in every error
     * @param file  the open file; the reader owns it and closes it in {@link #close()}
     * @param cache block cache for uncompressed data blocks, or null for none
     * @throws dev.sediment.store.CorruptionException naming the file and offset when anything fails to verify
     */
    public static TableReader open(Path path, ReadableFile file, BlockCache cache) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    public Path path() {
        throw new UnsupportedOperationException("TODO");
    }

    public TableProperties properties() {
        throw new UnsupportedOperationException("TODO");
    }

    /** False only if the table certainly holds no entry for {@code userKey} (bloom filter). */
    public boolean mayContain(byte[] userKey) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A new unpositioned iterator over every entry. Must be closed. */
    public InternalIterator iterator() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Closes the file and drops this table's blocks from the cache. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
