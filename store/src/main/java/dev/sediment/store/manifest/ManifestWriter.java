package dev.sediment.store.manifest;

import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.fs.WritableFile;

import java.io.Closeable;
import java.io.IOException;

/**
 * Appends framed records to a manifest file:
 * {@code masked CRC32C (fixed32) | payload length (fixed32) | payload}, the CRC covering the length
 * bytes and the payload. Bytes are durable only after {@link #sync()}.
 *
 * <p>Not thread-safe: {@link VersionSet} calls it under its lock.
 */
final class ManifestWriter implements Closeable {
    static final int HEADER_BYTES = 8;

    private final WritableFile file;

    ManifestWriter(WritableFile file) {
        this.file = file;
    }

    /** Appends one record (header and payload in a single append). */
    void addRecord(byte[] payload) throws IOException {
        byte[] record = new byte[HEADER_BYTES + payload.length];
        LittleEndian.putInt(record, 4, payload.length);
        System.arraycopy(payload, 0, record, HEADER_BYTES, payload.length);
        LittleEndian.putInt(record, 0, Crc32c.masked(record, 4, 4 + payload.length));
        file.append(record);
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
