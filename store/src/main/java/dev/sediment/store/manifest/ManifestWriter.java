package dev.sediment.store.manifest;

import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.fs.WritableFile;

import java.io.Closeable;
import java.io.IOException;

/**
 * Appends framed records to a manifest file:
 * {@code masked CRC32C (fixed32) | payload length (fixed32) | ~payload length (fixed32) | payload}, the
 * CRC covering the length bytes and the payload. The complemented length tells a damaged length field
 * (corruption) from a record cut short by a crash (a torn tail): a crash shortens a record, it does not
 * rewrite its header. Bytes are durable only after {@link #sync()}.
 *
 * <p>Not thread-safe: {@link VersionSet} calls it under its lock.
 */
final class ManifestWriter implements Closeable {
    static final int HEADER_BYTES = 12;

    private final WritableFile file;
    /** Reused for every edit's record: a commit appends one, and must not allocate a buffer for it. */
    private final ByteWriter record = new ByteWriter(512);

    ManifestWriter(WritableFile file) {
        this.file = file;
    }

    /** Appends one record (header and payload in a single append). */
    void addRecord(byte[] payload) throws IOException {
        byte[] record = new byte[HEADER_BYTES + payload.length];
        LittleEndian.putInt(record, 4, payload.length);
        LittleEndian.putInt(record, 8, ~payload.length);
        System.arraycopy(payload, 0, record, HEADER_BYTES, payload.length);
        LittleEndian.putInt(record, 0, maskedCrc(record, payload.length));
        file.append(record);
    }

    /** Appends one edit as a record, encoded in place after its header. */
    void addEdit(VersionEdit edit, boolean snapshot) throws IOException {
        record.reset();
        record.writeFixed32(0).writeFixed32(0).writeFixed32(0);
        VersionEditCodec.encode(edit, snapshot, record);
        int payloadLength = record.size() - HEADER_BYTES;
        byte[] bytes = record.array();
        LittleEndian.putInt(bytes, 4, payloadLength);
        LittleEndian.putInt(bytes, 8, ~payloadLength);
        LittleEndian.putInt(bytes, 0, maskedCrc(bytes, payloadLength));
        file.append(bytes, 0, record.size());
    }

    /** Appends the record of the last {@link #addEdit} to {@code out} (a rotation catching up on it). */
    void copyLastRecordTo(ByteWriter out) {
        out.writeBytes(record.array(), 0, record.size());
    }

    /** Appends already framed records (a rotation's catch-up) in one write. */
    void addFramed(ByteWriter records) throws IOException {
        if (records.size() > 0) {
            file.append(records.array(), 0, records.size());
        }
    }

    /** The masked CRC of a framed record: its length field and its payload. */
    static int maskedCrc(byte[] record, int payloadLength) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(record, 4, 4);
        crc.update(record, HEADER_BYTES, payloadLength);
        return Crc32c.mask((int) crc.getValue());
    }

    void sync() throws IOException {
        file.sync();
    }

    /** Bytes appended so far. */
    long size() {
        return file.size();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
