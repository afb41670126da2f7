package dev.sediment.store.sstable;

import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.encoding.MalformedDataException;

/**
 * A decoded (uncompressed, checksum-verified) block: entries in {@code data[0, restartsOffset)},
 * then {@code numRestarts} fixed32 restart offsets, then the count. Immutable and thread-safe;
 * iterate it with {@link BlockIterator}. Data
 * blocks are cached as bytes and read without this wrapper ({@link BlockIterator#reset(byte[])}).
 *
 * <p>The constructor checks only the restart array's frame; entries are bounds-checked as they are
 * decoded, so a malformed block throws {@link MalformedDataException}, never returns garbage.
 */
final class Block {
    final byte[] data;
    final int restartsOffset;
    final int numRestarts;

    Block(byte[] data) {
        this.restartsOffset = restartsOffset(data);
        this.data = data;
        this.numRestarts = LittleEndian.getInt(data, data.length - 4);
    }

    /** Checks the restart array's frame of a block's bytes and returns where the array starts. */
    static int restartsOffset(byte[] data) {
        if (data.length < 4) {
            throw new MalformedDataException("block of " + data.length + " bytes has no restart count");
        }
        int n = LittleEndian.getInt(data, data.length - 4);
        long start = (long) data.length - 4 - 4L * (n & 0xFFFFFFFFL);
        if (n < 1 || start < 0) {
            throw new MalformedDataException("bad restart count " + Integer.toUnsignedString(n)
                    + " in block of " + data.length + " bytes");
        }
        return (int) start;
    }
}
