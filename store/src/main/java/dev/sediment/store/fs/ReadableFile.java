package dev.sediment.store.fs;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A file opened for positional reads; thread-safe (concurrent reads at different positions). */
public interface ReadableFile extends Closeable {
    /**
     * Reads exactly {@code len} bytes at {@code position} into {@code dst[off, off+len)}.
     *
     * @throws EOFException if the file ends before {@code position + len}
     */
    void readFully(long position, byte[] dst, int off, int len) throws IOException;

    /**
     * Reads exactly {@code dst.remaining()} bytes at {@code position} into {@code dst}, advancing its position.
     * The default reads through a heap array; a file system that reads into a direct buffer without that
     * copy (the JDK's own reads of a heap buffer go through a temporary direct one) overrides it.
     *
     * @throws EOFException if the file ends before {@code position + dst.remaining()}
     */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        if (dst.hasArray()) {
            readFully(position, dst.array(), dst.arrayOffset() + dst.position(), len);
            dst.position(dst.position() + len);
        } else {
            dst.put(readFully(position, len));
        }
    }

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
