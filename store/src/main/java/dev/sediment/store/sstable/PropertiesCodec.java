package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import dev.sediment.store.encoding.ByteReader;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.MalformedDataException;

/**
 * Encodes the properties block (see {@code store/FORMAT.md}): every {@link TableProperties} field in
 * a fixed order, plus the table's compression and bloom bits per key. {@code fileSizeBytes} is a
 * fixed64 at the end so the writer can patch it in once it knows the block's own size. Readers
 * ignore bytes after the known fields, so fields may be appended without a new format version.
 */
final class PropertiesCodec {
    /** Extra settings stored beside the {@link TableProperties}. */
    record Decoded(TableProperties properties, Compression compression, int bloomBitsPerKey) {
    }

    private PropertiesCodec() {
    }

    static void encode(TableProperties p, Compression compression, int bloomBitsPerKey, ByteWriter out) {
        out.writeVarint64(p.entries());
        out.writeVarint64(p.tombstones());
        out.writeVarint64(p.rawKeyBytes());
        out.writeVarint64(p.rawValueBytes());
        out.writeVarint64(p.dataBlocks());
        out.writeLengthPrefixed(p.smallestKey());
        out.writeVarint64(p.smallestTrailer());
        out.writeLengthPrefixed(p.largestKey());
        out.writeVarint64(p.largestTrailer());
        out.writeVarint64(p.minRevision());
        out.writeVarint64(p.maxRevision());
        out.writeVarint32(compression.code());
        out.writeVarint32(bloomBitsPerKey);
        out.writeFixed64(p.fileSizeBytes());
    }

    /** Throws {@link MalformedDataException} if the block does not decode. */
    static Decoded decode(byte[] block) {
        ByteReader r = new ByteReader(block);
        long entries = r.readVarint64();
        long tombstones = r.readVarint64();
        long rawKeyBytes = r.readVarint64();
        long rawValueBytes = r.readVarint64();
        long dataBlocks = r.readVarint64();
        byte[] smallestKey = r.readLengthPrefixed();
        long smallestTrailer = r.readVarint64();
        byte[] largestKey = r.readLengthPrefixed();
        long largestTrailer = r.readVarint64();
        long minRevision = r.readVarint64();
        long maxRevision = r.readVarint64();
        int compressionCode = r.readVarint32();
        int bloomBitsPerKey = r.readVarint32();
        long fileSizeBytes = r.readFixed64();
        Compression compression = Compression.fromCode(compressionCode);
        if (compression == null) {
            throw new MalformedDataException("unknown compression code " + compressionCode);
        }
        TableProperties p = new TableProperties(entries, tombstones, rawKeyBytes, rawValueBytes, dataBlocks,
                smallestKey, smallestTrailer, largestKey, largestTrailer, minRevision, maxRevision, fileSizeBytes);
        return new Decoded(p, compression, bloomBitsPerKey);
    }
}
