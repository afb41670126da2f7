package dev.sediment.store.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A memtable's skip-list nodes: runs of longs in a few large {@code long[]} chunks, addressed as
 * {@code chunkIndex << 32 | offsetInChunk}. Address 0 is never handed out, so it means "no node".
 * Links are written with release and read with acquire semantics ({@link #linkRelease},
 * {@link #linkAcquire}); everything a writer stored before publishing a link is visible to a reader
 * that followed it. Growth as {@link ByteArena}.
 */
final class NodeArena {
    static final int MIN_CHUNK_LONGS = 1 << 7;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int maxChunkLongs;
    private volatile long[][] chunks = new long[4][];
    private int chunkCount;
    private long[] current;
    private int used;
    private long allocatedLongs;

    NodeArena(int maxChunkLongs) {
        this.maxChunkLongs = HeapRegions.chunkBytes(Math.max(MIN_CHUNK_LONGS, maxChunkLongs) * Long.BYTES) / Long.BYTES;
    }

    /** Reserves {@code n} contiguous zeroed longs; returns their address (never 0). */
    long allocate(int n) {
        if (current == null || current.length - used < n) {
            newChunk(n);
        }
        int at = used;
        used = at + n;
        return (long) (chunkCount - 1) << 32 | at;
    }

    private void newChunk(int need) {
        int size = current == null ? MIN_CHUNK_LONGS
                : HeapRegions.grow(current.length * Long.BYTES, maxChunkLongs * Long.BYTES) / Long.BYTES;
        long[] chunk = new long[Math.max(size, need + 1)];
        long[][] dir = chunks;
        if (chunkCount == dir.length) {
            dir = Arrays.copyOf(dir, dir.length * 2);
            dir[chunkCount] = chunk;
            chunks = dir;
        } else {
            dir[chunkCount] = chunk;
        }
        chunkCount++;
        current = chunk;
        // Offset 0 of the first chunk stays unused: address 0 is "no node".
        used = chunkCount == 1 ? 1 : 0;
        allocatedLongs += chunk.length;
    }

    long[] chunk(long address) {
        return chunks[(int) (address >>> 32)];
    }

    long linkAcquire(long address, int slot) {
        return (long) LONGS.getAcquire(chunk(address), (int) address + slot);
    }

    void linkRelease(long address, int slot, long target) {
        LONGS.setRelease(chunk(address), (int) address + slot, target);
    }

    /** As {@link ByteArena#usedBytes()}: every chunk allocated except the newest one's unused tail. Writer only. */
    long usedBytes() {
        return current == null ? 0 : (allocatedLongs - (current.length - used)) * Long.BYTES;
    }

    /** Bytes of every chunk allocated, whole. Writer only (or once the writer is done). */
    long allocatedBytes() {
        return allocatedLongs * Long.BYTES;
    }
}
