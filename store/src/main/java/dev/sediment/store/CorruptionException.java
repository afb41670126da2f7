package dev.sediment.store;

import java.nio.file.Path;

/**
 * A file's bytes are not what the store wrote: a checksum mismatch, a bad magic number, a record or
 * block that does not decode. Never skipped silently. The message names the file and offset; the
 * store will not guess, so the usual remedy is to restore the store from its changelog.
 */
public class CorruptionException extends StoreException {
    private final Path file;
    private final long offset;

    public CorruptionException(Path file, long offset, String what) {
        super("corruption in " + file + " at offset " + offset + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public CorruptionException(Path file, long offset, String what, Throwable cause) {
        super("corruption in " + file + " at offset " + offset + ": " + what, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset in {@link #file()} where the damage was found, or -1 if not known. */
    public long offset() {
        return offset;
    }
}
