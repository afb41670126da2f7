package dev.sediment.store.fs;

import java.io.Closeable;
import java.io.IOException;

/** A file being written sequentially. Not thread-safe: one writer at a time. */
public interface WritableFile extends Closeable {
    void append(byte[] b, int off, int len) throws IOException;

    default void append(byte[] b) throws IOException {
        append(b, 0, b.length);
    }

    /** Makes every appended byte durable (fsync). */
    void sync() throws IOException;

    /** Bytes appended so far. */
    long size();

    /** Closes the file; does not sync. Idempotent. */
    @Override
    void close() throws IOException;
}
