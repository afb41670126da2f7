package dev.sediment.store.memtable;

import java.util.Arrays;

/**
 * A memtable's key and value bytes, copied into a few large chunks instead of an array per record.
 * An address is {@code chunkIndex << 32 | offsetInChunk}. Chunks start small, so an idle store's memtable
 * costs little, and double up to a maximum; a record larger than that gets a chunk of its own.
 *
 * <p>Thread safety: one writer appends; readers read bytes at addresses they reached through a skip-list
 * link published with release semantics after the bytes were written, which orders the bytes (and the
 * chunk's place in {@code chunks}) before the read. Bytes once written never change.
 */
final class ByteArena {
    static final int MIN_CHUNK_BYTES = 1 << 10;

    private final int maxChunkBytes;
    private volatile byte[][] chunks = new byte[4][];
    private int chunkCount;
    private byte[] current;
    private int used;
    private long allocatedBytes;

    ByteArena(int maxChunkBytes) {
        this.maxChunkBytes = HeapRegions.chunkBytes(Math.max(MIN_CHUNK_BYTES, maxChunkBytes));
    }

    /** Copies {@code a} then {@code b} next to each other; returns the address of the first byte. */
    long append(byte[] a, byte[] b) {
        int need = a.length + b.length;
        if (current == null || current.length - used < need) {
            newChunk(need);
        }
        int at = used;
        System.arraycopy(a, 0, current, at, a.length);
        System.arraycopy(b, 0, current, at + a.length, b.length);
        used = at + need;
        return (long) (chunkCount - 1) << 32 | at;
    }

    private void newChunk(int need) {
        int size = current == null ? MIN_CHUNK_BYTES : HeapRegions.grow(current.length, maxChunkBytes);
        byte[] chunk = new byte[Math.max(size, need)];
        byte[][] dir = chunks;
        if (chunkCount == dir.length) {
            dir = Arrays.copyOf(dir, dir.length * 2);
            dir[chunkCount] = chunk;
            chunks = dir;
        } else {
            dir[chunkCount] = chunk;
        }
        chunkCount++;
        current = chunk;
        used = 0;
        allocatedBytes += chunk.length;
    }

    /** The chunk holding {@code address}. */
    byte[] chunk(long address) {
        return chunks[(int) (address >>> 32)];
    }

    /** A copy of {@code length} bytes at {@code address}. */
    byte[] copy(long address, int length) {
        int at = (int) address;
        return Arrays.copyOfRange(chunk(address), at, at + length);
    }

    /**
     * Bytes of every chunk allocated except the unused tail of the newest one (which the next appends
     * fill): grows smoothly with each append, and the tails of older chunks, skipped because a record
     * did not fit, are counted. Writer only.
     */
    long usedBytes() {
        return current == null ? 0 : allocatedBytes - (current.length - used);
    }

    /** Bytes of every chunk allocated, whole. Writer only (or once the writer is done). */
    long allocatedBytes() {
        return allocatedBytes;
    }
}
