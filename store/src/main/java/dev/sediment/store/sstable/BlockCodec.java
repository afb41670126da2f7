package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import com.github.luben.zstd.Zstd;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.StoreException;
import dev.sediment.store.encoding.ByteReader;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.encoding.Varints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compression and the per-block trailer: a stored block is {@code payload ‖ type:uint8 ‖ crc:fixed32}
 * with {@code crc = masked CRC32C(payload ‖ type)} and {@code type} a {@link Compression} code. A ZSTD
 * payload is {@code varint32 uncompressedLength ‖ zstd frame}; an LZ4 payload is
 * {@code varint32 uncompressedLength ‖ lz4 block} ({@link Lz4}).
 *
 * <p>Encoding keeps a scratch buffer, so an instance used for {@link #encode} belongs to one writer.
 * {@link #decode} keeps no state and is thread-safe.
 */
final class BlockCodec {
    private static final Logger LOG = LoggerFactory.getLogger(BlockCodec.class);

    /** Bytes after every block payload: compression type (1) + masked CRC32C (4). */
    static final int TRAILER_BYTES = 5;

    /** Whether zstd-jni's native library loaded in this JVM; probed once, warned about once. */
    static final boolean ZSTD_LOADED = probeZstd();

    private final boolean zstdAvailable;
    private byte[] scratch = new byte[0];

    BlockCodec(boolean zstdAvailable) {
        this.zstdAvailable = zstdAvailable;
    }

    /** A codec using zstd if this JVM could load it. */
    static BlockCodec create() {
        return new BlockCodec(ZSTD_LOADED);
    }

    private static boolean probeZstd() {
        try {
            byte[] probe = Zstd.compress(new byte[]{1, 2, 3}, 1);
            return probe.length > 0;
        } catch (LinkageError | RuntimeException e) {
            // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError: no native
            // library for this platform. VirtualMachineErrors are deliberately not swallowed.
            LOG.warn("zstd-jni is unavailable ({}); SSTable blocks will be written uncompressed", e.toString());
            return false;
        }
    }

    /** The compression that will really be used when {@code requested} is asked for. */
    Compression effective(Compression requested) {
        return requested == Compression.ZSTD && !zstdAvailable ? Compression.NONE : requested;
    }

    /**
     * Appends the stored form of {@code raw[off, off+len)} (payload and trailer) to {@code out}.
     * ZSTD is used only if it saves at least 12.5%; otherwise the block is stored as NONE.
     *
     * @return the payload size, i.e. the {@link BlockHandle#sizeBytes()} of the stored block
     */
    int encode(byte[] raw, int off, int len, Compression requested, int zstdLevel, ByteWriter out) {
        Compression c = effective(requested);
        if (c != Compression.NONE) {
            int compressedLen = c == Compression.ZSTD ? compress(raw, off, len, zstdLevel) : compressLz4(raw, off, len);
            if (compressedLen >= 0 && compressedLen <= len - (len >>> 3)) {
                return appendWithTrailer(scratch, 0, compressedLen, c, out);
            }
        }
        return appendWithTrailer(raw, off, len, Compression.NONE, out);
    }

    /** Compresses into {@code scratch}; returns the payload length or -1 if zstd reported an error. */
    private int compress(byte[] raw, int off, int len, int level) {
        long bound = Zstd.compressBound(len);
        long need = bound + 5;
        if (need > Integer.MAX_VALUE - 16) {
            return -1;
        }
        if (scratch.length < need) {
            scratch = new byte[(int) need];
        }
        int p = Varints.putVarint32(scratch, 0, len);
        try {
            return p + ZstdContexts.compress(scratch, p, (int) bound, raw, off, len, level);
        } catch (RuntimeException e) { // zstd-jni's ZstdException: store the block raw instead
            return -1;
        }
    }

    /** LZ4-compresses into {@code scratch}; returns the payload length. */
    private int compressLz4(byte[] raw, int off, int len) {
        int need = Lz4.maxCompressedLength(len) + 5;
        if (scratch.length < need) {
            scratch = new byte[need];
        }
        int p = Varints.putVarint32(scratch, 0, len);
        return p + Lz4.compress(raw, off, len, scratch, p);
    }

    private static int appendWithTrailer(byte[] b, int off, int len, Compression c, ByteWriter out) {
        byte type = (byte) c.code();
        out.writeBytes(b, off, len);
        out.writeByte(type);
        out.writeFixed32(Crc32c.mask(Crc32c.compute(b, off, len, type)));
        return len;
    }

    /**
     * Verifies and uncompresses a stored block. {@code stored} holds the payload followed by the
     * trailer ({@code sizeBytes + TRAILER_BYTES} bytes) as read from {@code offset} of {@code path}.
     *
     * @return the uncompressed block, a fresh array the caller may keep or cache
     * @throws CorruptionException on a checksum mismatch, unknown type or undecodable payload
     */
    byte[] decode(Path path, long offset, byte[] stored) {
        return decode(path, offset, stored, stored.length);
    }

    /** As {@link #decode(Path, long, byte[])} of {@code stored[0, storedLen)}: the caller may reuse {@code stored}. */
    byte[] decode(Path path, long offset, byte[] stored, int storedLen) {
        int size = storedLen - TRAILER_BYTES;
        if (size < 0) {
            throw new CorruptionException(path, offset, "block of " + storedLen + " bytes has no trailer");
        }
        byte type = stored[size];
        int expected = Crc32c.unmask(LittleEndian.getInt(stored, size + 1));
        int actual = Crc32c.compute(stored, 0, size, type);
        if (expected != actual) {
            throw new CorruptionException(path, offset, String.format(
                    "block checksum mismatch: stored %08x, computed %08x (block of %d bytes)", expected, actual, size));
        }
        Compression c = Compression.fromCode(type & 0xFF);
        if (c == null) {
            throw new CorruptionException(path, offset, "unknown compression code " + (type & 0xFF));
        }
        if (c == Compression.NONE) {
            return Arrays.copyOf(stored, size);
        }
        if (c == Compression.LZ4) {
            return decompressLz4(path, offset, stored, size);
        }
        if (!zstdAvailable) {
            throw new StoreException("cannot read " + path + ": block at offset " + offset
                    + " is zstd-compressed but zstd-jni is unavailable on this platform");
        }
        return decompress(path, offset, stored, size);
    }

    /**
     * As {@link #decode(Path, long, byte[], int)} of {@code stored[0, storedLen)}, a little-endian buffer (the
     * direct one a {@code pread} filled): the checksum is computed and the payload decompressed where they lie,
     * so the only copy is into the returned array. The caller may reuse {@code stored}; its position and limit
     * are left anywhere.
     */
    byte[] decode(Path path, long offset, ByteBuffer stored, int storedLen) {
        int size = storedLen - TRAILER_BYTES;
        if (size < 0) {
            throw new CorruptionException(path, offset, "block of " + storedLen + " bytes has no trailer");
        }
        byte type = stored.get(size);
        int expected = Crc32c.unmask(stored.getInt(size + 1));
        int actual = Crc32c.compute(stored, size, type);
        if (expected != actual) {
            throw new CorruptionException(path, offset, String.format(
                    "block checksum mismatch: stored %08x, computed %08x (block of %d bytes)", expected, actual, size));
        }
        Compression c = Compression.fromCode(type & 0xFF);
        if (c == null) {
            throw new CorruptionException(path, offset, "unknown compression code " + (type & 0xFF));
        }
        if (c == Compression.NONE) {
            byte[] out = new byte[size];
            stored.get(0, out, 0, size);
            return out;
        }
        if (c == Compression.LZ4) {
            byte[] heap = ReadScratch.get(size); // the pure-Java decoder reads arrays; LZ4 is not the default
            stored.get(0, heap, 0, size);
            return decompressLz4(path, offset, heap, size);
        }
        if (!zstdAvailable) {
            throw new StoreException("cannot read " + path + ": block at offset " + offset
                    + " is zstd-compressed but zstd-jni is unavailable on this platform");
        }
        return decompress(path, offset, stored, size);
    }

    /** A zstd payload read where it lies: the varint32 length header, then the frame straight into the block. */
    private static byte[] decompress(Path path, long offset, ByteBuffer stored, int size) {
        int rawLen = 0;
        int p = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= size || shift > 28) {
                throw new CorruptionException(path, offset, "bad zstd block header: length varint of "
                        + (p >= size ? "a " + size + "-byte block runs past its end" : "more than 5 bytes"));
            }
            int b = stored.get(p++);
            rawLen |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (rawLen < 0 || rawLen > Integer.MAX_VALUE - 16) {
            throw new CorruptionException(path, offset, "bad zstd block header: length "
                    + Integer.toUnsignedString(rawLen));
        }
        byte[] out = new byte[rawLen];
        int n;
        try {
            n = ZstdContexts.decompress(out, 0, rawLen, stored, p, size - p);
        } catch (RuntimeException e) {
            throw new CorruptionException(path, offset, "zstd block does not decompress: " + e.getMessage(), e);
        }
        if (n != rawLen) {
            throw new CorruptionException(path, offset, "zstd block does not decompress: "
                    + n + " bytes instead of " + rawLen);
        }
        return out;
    }

    private static byte[] decompressLz4(Path path, long offset, byte[] stored, int size) {
        try {
            ByteReader r = new ByteReader(stored, 0, size);
            // An LZ4 block expands at most 255-fold: a larger claimed length is corruption, not an allocation.
            int rawLen = r.readLength((int) Math.min(Integer.MAX_VALUE - 16, 255L * size + 64));
            byte[] out = new byte[rawLen];
            Lz4.decompress(stored, r.position(), size - r.position(), out, 0, rawLen);
            return out;
        } catch (MalformedDataException e) {
            throw new CorruptionException(path, offset, "lz4 block does not decompress: " + e.getMessage(), e);
        }
    }

    private static byte[] decompress(Path path, long offset, byte[] stored, int size) {
        int rawLen;
        int p;
        try {
            ByteReader r = new ByteReader(stored, 0, size);
            rawLen = r.readLength(Integer.MAX_VALUE - 16);
            p = r.position();
        } catch (MalformedDataException e) {
            throw new CorruptionException(path, offset, "bad zstd block header: " + e.getMessage(), e);
        }
        byte[] out = new byte[rawLen];
        int n;
        try {
            n = ZstdContexts.decompress(out, 0, rawLen, stored, p, size - p);
        } catch (RuntimeException e) {
            throw new CorruptionException(path, offset, "zstd block does not decompress: " + e.getMessage(), e);
        }
        if (n != rawLen) {
            throw new CorruptionException(path, offset, "zstd block does not decompress: "
                    + n + " bytes instead of " + rawLen);
        }
        return out;
    }
}
