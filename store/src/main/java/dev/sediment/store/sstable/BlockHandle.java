package dev.sediment.store.sstable;

import dev.sediment.store.encoding.ByteReader;
import dev.sediment.store.encoding.ByteWriter;

/**
 * Where a block lies in a table file: {@code offset} of its first byte and {@code sizeBytes} of its
 * stored payload, not counting the {@link BlockCodec#TRAILER_BYTES}-byte trailer that follows it.
 * Encoded as {@code varint64 offset, varint64 size} in index entries.
 */
record BlockHandle(long offset, long sizeBytes) {
    /** Largest encoding: two 10-byte varints. */
    static final int MAX_ENCODED_BYTES = 20;

    void encodeTo(ByteWriter out) {
        out.writeVarint64(offset);
        out.writeVarint64(sizeBytes);
    }

    /** Decodes a handle; throws {@link dev.sediment.store.encoding.MalformedDataException} on bad bytes. */
    static BlockHandle decode(ByteReader in) {
        return new BlockHandle(in.readVarint64(), in.readVarint64());
    }

    /** The end of the block's trailer. */
    long endWithTrailer() {
        return offset + sizeBytes + BlockCodec.TRAILER_BYTES;
    }

    /** True if the block and its trailer lie within {@code [0, limit)} and its payload fits a Java array. */
    boolean fitsWithin(long limit) {
        return fitsWithin(offset, sizeBytes, limit);
    }

    static boolean fitsWithin(long offset, long sizeBytes, long limit) {
        return offset >= 0 && sizeBytes >= 0 && sizeBytes <= Integer.MAX_VALUE - BlockCodec.TRAILER_BYTES
                && offset <= limit && offset + sizeBytes + BlockCodec.TRAILER_BYTES <= limit;
    }
}
