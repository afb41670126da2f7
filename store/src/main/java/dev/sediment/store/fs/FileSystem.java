package dev.sediment.store.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every byte the store reads or writes goes through this interface, so that crashes, full disks and
 * failed syncs are ordinary tests ({@code MemFileSystem}, {@code FaultInjectingFileSystem}).
 *
 * <p>Durability model (what an implementation must honour and what the store relies on):
 * <ul>
 *   <li>Bytes appended to a file are durable only after {@link WritableFile#sync()}.</li>
 *   <li>A created, renamed or deleted directory entry is durable only after
 *       {@link #syncDirectory(Path)} of its parent.</li>
 *   <li>{@link #rename} atomically replaces the target.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface FileSystem {
    /** Creates (or truncates) a file for appending. */
    WritableFile create(Path file) throws IOException;

    /** Opens an existing file for positional reads. */
    ReadableFile openReadable(Path file) throws IOException;

    boolean exists(Path file);

    /** The size of a file in bytes. */
    long size(Path file) throws IOException;

    /** The names (not paths) of the entries in a directory, in no particular order. */
    List<String> list(Path dir) throws IOException;

    /** Atomically renames {@code from} to {@code to}, replacing {@code to} if it exists. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes a file; no error if it does not exist. */
    void delete(Path file) throws IOException;

    /** Creates a directory and its parents; no error if it exists. */
    void createDirectories(Path dir) throws IOException;

    /** Makes the directory's entries (creates, renames, deletes) durable. */
    void syncDirectory(Path dir) throws IOException;

    /**
     * Takes an exclusive lock on {@code lockFile} (creating it) so no other process or store instance
     * can open the same store. Fails with an IOException naming the file if it is already held.
     */
    FileLock lock(Path lockFile) throws IOException;
}
