package dev.sediment.store.manifest;

import dev.sediment.store.fs.FileSystem;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The current {@link Version} and the manifest that makes it durable.
 *
 * <p>{@link #logAndApply} appends a CRC-framed edit to the live manifest and syncs it before the new
 * version becomes current. When the manifest outgrows {@code maxManifestBytes} it is rotated: a new
 * manifest starting with a full snapshot edit is written and synced, then {@code CURRENT} is switched
 * (temp file, sync, atomic rename, directory sync) and the old manifest deleted.
 *
 * <p>Any I/O error inside {@link #logAndApply} leaves the outcome unknown, so the set becomes failed:
 * every later call throws, and the store must be reopened (recovery replays what is durable).
 *
 * <p>Thread-safety: {@link #logAndApply} is synchronized; {@link #current()} is a volatile read.
 */
public final class VersionSet implements Closeable {
    private VersionSet() {
    }

    /**
     * Opens the manifest named by {@code CURRENT} in {@code dir} and replays it, or, if there is no
     * {@code CURRENT} and {@code createIfMissing}, creates an empty store's manifest.
     * A torn last record is ignored (logged at WARN); any other damage throws
     * {@link dev.sediment.store.CorruptionException} naming the file and offset.
     */
    public static VersionSet open(FileSystem fs, Path dir, long maxManifestBytes, boolean createIfMissing)
            throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** The current version (not ref'd: callers that keep it must {@link Version#ref()} it). */
    public Version current() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Allocates a file number; never returns the same number twice, also across reopen. */
    public long newFileNumber() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The next file number that {@link #newFileNumber()} would return. */
    public long nextFileNumber() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The highest revision recorded in the manifest (by any edit's lastRevision, flushedRevision or commit point). */
    public long lastRevision() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The file number of the live manifest. */
    public long manifestFileNumber() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Logs the edit durably, then installs and returns the new current version. */
    public Version logAndApply(VersionEdit edit) throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Closes the manifest file. Idempotent. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("TODO");
    }
}
