package dev.sediment.store.sstable;

/**
 * Each thread's buffer for a stored block on its way from the file to the decoder, so a block-cache miss
 * allocates only the decoded block. Blocks are a few KiB; a buffer above {@value #KEEP_BYTES} bytes (a block
 * holding a large value) is used once and not kept, so no thread holds on to a large buffer.
 */
final class ReadScratch {
    static final int KEEP_BYTES = 64 * 1024;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[8 * 1024]);

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
}
