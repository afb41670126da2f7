package dev.sediment.store.fs;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;

/** A file opened for positional reads; thread-safe (concurrent reads at different positions). */
public interface ReadableFile extends Closeable {
    /**
     * Reads exactly {@code len} bytes at {@code position} into {@code dst[off, off+len)}.
     *
     * @throws EOFException if the file ends before {@code position + len}
     */
    void readFully(long position, byte[] dst, int off, int len) throws IOException;

    long size() throws IOException;

    /** Idempotent. */
    @Override
    void close() throws IOException;

    default byte[] readFully(long position, int len) throws IOException {
        byte[] b = new byte[len];
        readFully(position, b, 0, len);
        return b;
    }
}
