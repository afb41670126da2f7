package dev.sediment.store.sstable;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;

import java.nio.file.Path;

/**
 * The fixed-size end of every table (see {@code store/FORMAT.md}):
 * <pre>
 *   index handle       fixed64 offset, fixed64 size
 *   filter handle      fixed64 offset, fixed64 size   (size 0: no filter)
 *   properties handle  fixed64 offset, fixed64 size
 *   footer crc         fixed32  masked CRC32C of the 48 handle bytes
 *   format version     fixed32
 *   magic              fixed64
 * </pre>
 * Every future version keeps the version and magic as the last 12 bytes, so any reader can tell
 * "not a table" from "a table from a newer release".
 */
record Footer(BlockHandle index, BlockHandle filter, BlockHandle properties, int formatVersion) {
    static final int ENCODED_BYTES = 64;
    /** Identifies a Sediment table. NEVER CHANGE. */
    static final long MAGIC = 0xD15C_5ED1_3E47_7AB1L;
    /** The version this code writes; the only one it reads. */
    static final int FORMAT_VERSION = 1;
    private static final int HANDLES_BYTES = 48;

    boolean hasFilter() {
        return filter.sizeBytes() != 0;
    }

    void encodeTo(ByteWriter out) {
        int start = out.size();
        writeHandle(out, index);
        writeHandle(out, filter);
        writeHandle(out, properties);
        out.writeFixed32(Crc32c.masked(out.array(), start, HANDLES_BYTES));
        out.writeFixed32(formatVersion);
        out.writeFixed64(MAGIC);
    }

    private static void writeHandle(ByteWriter out, BlockHandle h) {
        out.writeFixed64(h.offset());
        out.writeFixed64(h.sizeBytes());
    }

    /**
     * Decodes and checks the footer of a file of {@code fileSize} bytes whose last
     * {@link #ENCODED_BYTES} are {@code b}: magic, version, checksum, and that every handle lies
     * before the footer.
     */
    static Footer decode(Path path, long fileSize, byte[] b) {
        long at = fileSize - ENCODED_BYTES;
        long magic = LittleEndian.getLong(b, 56);
        if (magic != MAGIC) {
            throw new CorruptionException(path, at, String.format(
                    "bad magic %016x (not an SSTable, or truncated)", magic));
        }
        int version = LittleEndian.getInt(b, 52);
        if (version != FORMAT_VERSION) {
            throw new CorruptionException(path, at, "unsupported format version " + Integer.toUnsignedString(version)
                    + " (this build reads version " + FORMAT_VERSION + ")");
        }
        int expected = Crc32c.unmask(LittleEndian.getInt(b, 48));
        int actual = Crc32c.compute(b, 0, HANDLES_BYTES);
        if (expected != actual) {
            throw new CorruptionException(path, at, String.format(
                    "footer checksum mismatch: stored %08x, computed %08x", expected, actual));
        }
        BlockHandle index = readHandle(b, 0);
        BlockHandle filter = readHandle(b, 16);
        BlockHandle props = readHandle(b, 32);
        checkWithin(path, at, "index", index);
        if (filter.sizeBytes() != 0 || filter.offset() != 0) {
            checkWithin(path, at, "filter", filter);
        }
        checkWithin(path, at, "properties", props);
        return new Footer(index, filter, props, version);
    }

    private static BlockHandle readHandle(byte[] b, int off) {
        return new BlockHandle(LittleEndian.getLong(b, off), LittleEndian.getLong(b, off + 8));
    }

    private static void checkWithin(Path path, long footerOffset, String what, BlockHandle h) {
        if (!h.fitsWithin(footerOffset)) {
            throw new CorruptionException(path, footerOffset, what + " handle [offset " + h.offset() + ", size "
                    + h.sizeBytes() + "] lies outside the file's " + footerOffset + " bytes of blocks");
        }
    }
}
