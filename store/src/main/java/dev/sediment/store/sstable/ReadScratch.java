package dev.sediment.store.sstable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Each thread's buffer for a stored block on its way from the file to the decoder, so a block-cache miss
 * allocates only the decoded block. Blocks are a few KiB; a buffer above {@value #KEEP_BYTES} bytes (a block
 * holding a large value) is used once and not kept, so no thread holds on to a large buffer.
 *
 * <p>{@link #direct} is a direct buffer: a {@code pread} fills it in place and the decoder reads it where it
 * lies (the JDK reads into a heap array through a temporary direct buffer and a copy).
 */
final class ReadScratch {
    static final int KEEP_BYTES = 64 * 1024;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[8 * 1024]);
    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> allocateDirect(8 * 1024));

    private ReadScratch() {
    }

    /** A buffer of at least {@code len} bytes, this thread's own until its next call. */
    static byte[] get(int len) {
        byte[] b = BUFFER.get();
        if (b.length >= len) {
            return b;
        }
        if (len > KEEP_BYTES) {
            return new byte[len];
        }
        b = new byte[Math.min(KEEP_BYTES, Math.max(len, b.length * 2))];
        BUFFER.set(b);
        return b;
    }

    /**
     * This thread's direct buffer, little-endian, with position 0 and limit {@code len}, its own until its next
     * call. REQUIRES: {@code len <= KEEP_BYTES} (a larger block takes the heap path).
     */
    static ByteBuffer direct(int len) {
        if (len > KEEP_BYTES) {
            throw new IllegalArgumentException("direct read scratch of " + len + " bytes > " + KEEP_BYTES);
        }
        ByteBuffer b = DIRECT.get();
        if (b.capacity() < len) {
            b = allocateDirect(Math.min(KEEP_BYTES, Math.max(len, b.capacity() * 2)));
            DIRECT.set(b);
        }
        b.clear().limit(len);
        return b;
    }

    private static ByteBuffer allocateDirect(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
}
