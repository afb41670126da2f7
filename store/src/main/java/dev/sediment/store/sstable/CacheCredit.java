package dev.sediment.store.sstable;

/**
 * How many bytes of its output a compaction may put into the block cache: the bytes of the input blocks it
 * found cached, recently. A compaction replaces its inputs, whose cached blocks leave the cache when the inputs
 * are deleted, so caching output in proportion keeps the keys that were cached cached under their new tables
 * (gets right after a burst otherwise miss on every block the compaction rewrote) without letting a compaction
 * of cold data push the hot blocks out. The merge reads input blocks in key order ahead of the output it
 * writes, so credit earned around a key is spent on the output around that key; it is capped at a few blocks
 * so that a hot range does not pay for caching the cold range after it.
 *
 * <p>Not thread-safe: one per subcompaction (its inputs and its output run on one thread).
 */
public final class CacheCredit {
    private final long capBytes;
    private long bytes;

    /** @param capBytes the most credit kept: a few blocks' worth */
    public CacheCredit(long capBytes) {
        if (capBytes < 0) {
            throw new IllegalArgumentException("capBytes must be >= 0: " + capBytes);
        }
        this.capBytes = capBytes;
    }

    /** An input block of {@code blockBytes} (uncompressed) was found in the cache. */
    void found(int blockBytes) {
        bytes = Math.min(capBytes, bytes + blockBytes);
    }

    /** Spends credit for an output block of {@code blockBytes}; false if there is not enough. */
    boolean take(int blockBytes) {
        if (bytes < blockBytes) {
            return false;
        }
        bytes -= blockBytes;
        return true;
    }
}
