package dev.sediment.store.sstable;

import dev.sediment.store.fs.WritableFile;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one SSTable (format: {@code store/FORMAT.md}). Entries must arrive in strictly increasing
 * internal-key order. Not thread-safe.
 */
public final class TableWriter {
    /**
     * @param path    the file's path, for error messages
     * @param file    where the bytes go; the writer closes it in {@link #finish()} or {@link #abandon()}
     */
    public TableWriter(Path path, WritableFile file, TableOptions options) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Adds an entry. REQUIRES: {@code (userKey, trailer)} sorts strictly after the previous entry
     * (checked: IllegalArgumentException otherwise); not called after finish/abandon.
     */
    public void add(byte[] userKey, long trailer, byte[] value) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Entries added so far. */
    public long entries() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Bytes written so far plus the buffered block: what the file would roughly weigh if finished now. */
    public long estimatedSizeBytes() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Writes the last data block, filter, properties, index and footer, syncs and closes the file.
     * REQUIRES: at least one entry was added.
     */
    public TableProperties finish() throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Closes the file without finishing it; the caller deletes it. Idempotent, never throws. */
    public void abandon() {
        throw new UnsupportedOperationException("TODO");
    }
}
