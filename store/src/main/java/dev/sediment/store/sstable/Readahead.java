package dev.sediment.store.sstable;

import dev.sediment.store.fs.ReadableFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * One iterator's readahead over a table's data blocks (RocksDB's {@code compaction_readahead_size} and
 * iterator auto-readahead): once an iterator reads blocks in file order, a block-cache miss reads the blocks
 * after it too, up to {@link #MAX_BYTES}, in one {@code pread}, and the next misses are served from that
 * buffer. A {@code pread} costs a fixed few microseconds of CPU whatever its size (2.5 us on the benchmark's
 * VM, against 4 KiB blocks), so a compaction or a long scan pays it once per {@link #MAX_BYTES} instead of
 * once per block.
 *
 * <p>A compaction's iterator reads ahead from its first miss; a user's iterator after
 * {@link #SEQUENTIAL_BEFORE_READAHEAD} blocks in a row, starting at {@link #MIN_BYTES} and doubling, so a
 * point seek with a few nexts reads no more than it uses.
 *
 * <p>The buffer is direct (the {@code pread} fills it in place and the decoder reads it there), taken from a
 * small per-thread pool when readahead starts and given back on {@link #release()}, so iterators that come and
 * go allocate no native memory each. Not thread-safe: one iterator's.
 */
final class Readahead {
    static final int MIN_BYTES = 16 * 1024;
    static final int MAX_BYTES = 128 * 1024;
    static final int SEQUENTIAL_BEFORE_READAHEAD = 2;
    /** Buffers a thread keeps for its next iterators. */
    private static final int POOLED_PER_THREAD = 8;
    private static final ThreadLocal<ArrayDeque<ByteBuffer>> POOL = ThreadLocal.withInitial(ArrayDeque::new);

    private final boolean eager;
    /** The file range the buffer holds: {@code [start, start + length)}. */
    private long start;
    private int length;
    private ByteBuffer buffer;
    /** The size of the next readahead; 0 until reads turn sequential. */
    private int size;
    /** Where the next block lies if reading goes on in file order, and how many blocks came in that order. */
    private long nextInOrder = -1;
    private int inOrder;

    /** @param eager read ahead from the first miss at the full size (a compaction's whole-file pass) */
    Readahead(boolean eager) {
        this.eager = eager;
        this.size = eager ? MAX_BYTES : 0;
    }

    /** Notes that the iterator moved to the block at {@code offset} of {@code storedLen} bytes (cached or not). */
    void visit(long offset, int storedLen) {
        if (offset == nextInOrder) {
            inOrder++;
            if (!eager && inOrder >= SEQUENTIAL_BEFORE_READAHEAD && size < MAX_BYTES) {
                size = size == 0 ? MIN_BYTES : Math.min(MAX_BYTES, size * 2);
            }
        } else if (!eager) {
            inOrder = 0;
            size = 0;
        }
        nextInOrder = offset + storedLen;
    }

    /**
     * The stored bytes of the block at {@code [offset, offset + storedLen)} as a little-endian buffer whose
     * index 0 is the block's first byte, valid until the next call or {@link #release()}; or null when this
     * read is not worth reading ahead for (the caller reads the block alone). Never reads at or past
     * {@code end} (the end of the file's data blocks).
     */
    ByteBuffer read(ReadableFile file, long offset, int storedLen, long end) throws IOException {
        if (buffer != null && offset >= start && offset + storedLen <= start + length) {
            return slice((int) (offset - start), storedLen);
        }
        if (size == 0 || storedLen > size) {
            return null;
        }
        if (buffer == null) {
            buffer = take();
        }
        int n = (int) Math.min(size, end - offset);
        if (n < storedLen) {
            return null; // a handle past the blocks' end: the caller's own read reports it
        }
        ByteBuffer dst = buffer.clear().limit(n);
        length = 0;
        start = offset;
        file.readFully(offset, dst);
        length = n;
        return slice(0, storedLen);
    }

    /** Gives the buffer back to this thread's pool. The readahead may be used again (it takes another). */
    void release() {
        ByteBuffer b = buffer;
        buffer = null;
        length = 0;
        if (b != null) {
            ArrayDeque<ByteBuffer> pool = POOL.get();
            if (pool.size() < POOLED_PER_THREAD) {
                pool.push(b);
            }
        }
    }

    private ByteBuffer slice(int from, int len) {
        return buffer.slice(from, len).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer take() {
        ByteBuffer b = POOL.get().poll();
        return b != null ? b : ByteBuffer.allocateDirect(MAX_BYTES);
    }
}
