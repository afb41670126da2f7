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

    /** Deferred records beyond this many bytes are written at once. */
    static final int MAX_DEFERRED_BYTES = 32 << 10;

    private final WritableFile file;
    /** Reused for every edit's record: a commit appends one, and must not allocate a buffer for it. */
    private final ByteWriter record = new ByteWriter(512);
    /** Framed records added but not yet written to the file, in order. */
    private final ByteWriter deferred = new ByteWriter(1024);

    ManifestWriter(WritableFile file) {
        this.file = file;
    }

    /** Appends one record (header and payload in a single append). */
    void addRecord(byte[] payload) throws IOException {
        writeDeferred();
        byte[] record = new byte[HEADER_BYTES + payload.length];
        LittleEndian.putInt(record, 4, payload.length);
        LittleEndian.putInt(record, 8, ~payload.length);
        System.arraycopy(payload, 0, record, HEADER_BYTES, payload.length);
        LittleEndian.putInt(record, 0, maskedCrc(record, payload.length));
        file.append(record);
    }

    /**
     * Appends one edit as a record, encoded in place after its header; with {@code defer} the record waits
     * in this writer's buffer (see the class comment), otherwise it is written with any deferred ones before it.
     */
    void addEdit(VersionEdit edit, boolean snapshot, boolean defer) throws IOException {
        record.reset();
        record.writeFixed32(0).writeFixed32(0).writeFixed32(0);
        VersionEditCodec.encode(edit, snapshot, record);
        int payloadLength = record.size() - HEADER_BYTES;
        byte[] bytes = record.array();
        LittleEndian.putInt(bytes, 4, payloadLength);
        LittleEndian.putInt(bytes, 8, ~payloadLength);
        LittleEndian.putInt(bytes, 0, maskedCrc(bytes, payloadLength));
        if (defer || deferred.size() > 0) {
            deferred.writeBytes(bytes, 0, record.size());
            if (!defer || deferred.size() >= MAX_DEFERRED_BYTES) {
                writeDeferred();
            }
        } else {
            file.append(bytes, 0, record.size());
        }
    }

    /** Writes the deferred records to the file (not synced), in one append. */
    void writeDeferred() throws IOException {
        if (deferred.size() > 0) {
            int n = deferred.size();
            deferred.reset(); // before the append: a failed one leaves the set failed, never a record twice
            file.append(deferred.array(), 0, n);
        }
    }

    /** Appends the record of the last {@link #addEdit} to {@code out} (a rotation catching up on it). */
    void copyLastRecordTo(ByteWriter out) {
        out.writeBytes(record.array(), 0, record.size());
    }

    /** Appends already framed records (a rotation's catch-up) in one write. */
    void addFramed(ByteWriter records) throws IOException {
        writeDeferred();
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

    /** Syncs what was written; deferred records are not written by this (see {@link #writeDeferred}). */
    void sync() throws IOException {
        file.sync();
    }

    /** Bytes appended so far, deferred ones included. */
    long size() {
        return file.size() + deferred.size();
    }

    /** Writes the deferred records (a clean close keeps them, unsynced, as it keeps every written one) and closes. */
    @Override
    public void close() throws IOException {
        try {
            writeDeferred();
        } finally {
            file.close();
        }
    }
}
