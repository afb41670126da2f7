package dev.sediment.store.sstable;

import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.encoding.MalformedDataException;

/**
 * A decoded (uncompressed, checksum-verified) block: entries in {@code data[0, restartsOffset)},
 * then {@code numRestarts} fixed32 restart offsets, then the count. Immutable and thread-safe;
 * iterate it with {@link BlockIterator}.
 *
 * <p>The constructor checks only the restart array's frame; entries are bounds-checked as they are
 * decoded, so a malformed block throws {@link MalformedDataException}, never returns garbage.
 */
final class Block {
    final byte[] data;
    final int restartsOffset;
    final int numRestarts;

    Block(byte[] data) {
        if (data.length < 4) {
            throw new MalformedDataException("block of " + data.length + " bytes has no restart count");
        }
        int n = LittleEndian.getInt(data, data.length - 4);
        long start = (long) data.length - 4 - 4L * (n & 0xFFFFFFFFL);
        if (n < 1 || start < 0) {
            throw new MalformedDataException("bad restart count " + Integer.toUnsignedString(n)
                    + " in block of " + data.length + " bytes");
        }
        this.data = data;
        this.numRestarts = n;
        this.restartsOffset = (int) start;
    }

    /** The offset of restart point {@code i}. REQUIRES: {@code 0 <= i < numRestarts}. */
    int restartPoint(int i) {
        int p = LittleEndian.getInt(data, restartsOffset + 4 * i);
        if (p < 0 || p >= restartsOffset) {
            if (p == 0 && restartsOffset == 0) {
                return 0; // the empty block
            }
            throw new MalformedDataException("restart point " + i + " = " + p + " outside entries [0, "
                    + restartsOffset + ")");
        }
        return p;
    }

    boolean isEmpty() {
        return restartsOffset == 0;
    }
}
