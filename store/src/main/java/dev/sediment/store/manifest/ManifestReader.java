package dev.sediment.store.manifest;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads the records {@link ManifestWriter} framed, telling a torn tail from corruption.
 *
 * <p>A <b>torn tail</b> is what a crash during an unsynced append leaves: a record whose header or
 * payload runs past the end of the file, or a tail of zero bytes (a file system that extended the
 * file before writing the data). It is ignored and logged at WARN. Since the writer syncs after
 * every record, a torn tail is at most one record, so a record that runs past the end of the file
 * while a valid record starts somewhere after it has a damaged length: that is corruption.
 *
 * <p><b>Corruption</b>: a complete record with a bad checksum, which is never skipped.
 *
 * <p>Not thread-safe.
 */
final class ManifestReader implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestReader.class);

    /** Upper bound on bytes checksummed while looking for a valid record after a torn one. */
    private static final long SCAN_BUDGET_BYTES = 1L << 30;

    private final Path path;
    private final ReadableFile file;
    private final long size;
    private long pos;
    private long recordOffset = -1;
    private long tornTailOffset = -1;

    ManifestReader(FileSystem fs, Path path) throws IOException {
        this.path = path;
        this.file = fs.openReadable(path);
        try {
            this.size = file.size();
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * The next record's payload, or null at the end of the file or at a torn tail.
     *
     * @throws CorruptionException if the next record is damaged
     */
    byte[] next() throws IOException {
        if (pos >= size || tornTailOffset >= 0) {
            return null;
        }
        long remaining = size - pos;
        if (remaining < ManifestWriter.HEADER_BYTES) {
            return torn("record header of " + remaining + " bytes runs past end of file");
        }
        byte[] header = file.readFully(pos, ManifestWriter.HEADER_BYTES);
        int rawLength = LittleEndian.getInt(header, 4);
        if (LittleEndian.getInt(header, 8) != ~rawLength) {
            if (zeroFrom(pos)) {
                return torn("zero-filled tail");
            }
            throw new CorruptionException(path, pos, "record length field is damaged (it does not match its complement)");
        }
        long length = Integer.toUnsignedLong(rawLength);
        if (length > remaining - ManifestWriter.HEADER_BYTES) {
            long next = validRecordAfter(pos);
            if (next >= 0) {
                throw new CorruptionException(path, pos, "record length " + length + " runs past end of file "
                        + size + ", but a valid record follows at offset " + next + ": the length is damaged");
            }
            return torn("record of " + length + " bytes runs past end of file " + size);
        }
        byte[] payload = file.readFully(pos + ManifestWriter.HEADER_BYTES, (int) length);
        int expected = Crc32c.unmask(LittleEndian.getInt(header, 0));
        if (crc(header, payload) != expected) {
            if (zeroFrom(pos)) {
                return torn("zero-filled tail");
            }
            throw new CorruptionException(path, pos, "record checksum mismatch (length " + length + ")");
        }
        recordOffset = pos;
        pos += ManifestWriter.HEADER_BYTES + length;
        return payload;
    }

    /** The offset of the record {@link #next()} returned last, or -1. */
    long recordOffset() {
        return recordOffset;
    }

    /** Where the torn tail starts, or -1 if none was found (yet). */
    long tornTailOffset() {
        return tornTailOffset;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private byte[] torn(String why) {
        tornTailOffset = pos;
        LOG.warn("manifest {}: ignoring torn tail at offset {} ({} bytes): {}", path, pos, size - pos, why);
        return null;
    }

    private static int crc(byte[] header, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(header, 4, 4);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    private boolean zeroFrom(long offset) throws IOException {
        byte[] rest = file.readFully(offset, (int) (size - offset));
        for (byte b : rest) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the first complete record with a valid checksum after {@code offset}, or -1. */
    private long validRecordAfter(long offset) throws IOException {
        long restBytes = size - offset;
        if (restBytes > Integer.MAX_VALUE) {
            return -1;
        }
        byte[] rest = file.readFully(offset, (int) restBytes);
        long budget = SCAN_BUDGET_BYTES;
        for (int p = 1; p + ManifestWriter.HEADER_BYTES < rest.length && budget > 0; p++) {
            int rawLength = LittleEndian.getInt(rest, p + 4);
            long length = Integer.toUnsignedLong(rawLength);
            if (length == 0 || LittleEndian.getInt(rest, p + 8) != ~rawLength
                    || length > rest.length - p - ManifestWriter.HEADER_BYTES) {
                continue;
            }
            budget -= length + 4;
            CRC32C actual = new CRC32C();
            actual.update(rest, p + 4, 4);
            actual.update(rest, p + ManifestWriter.HEADER_BYTES, (int) length);
            if (Crc32c.unmask(LittleEndian.getInt(rest, p)) == (int) actual.getValue()) {
                return offset + p;
            }
        }
        return -1;
    }
}
