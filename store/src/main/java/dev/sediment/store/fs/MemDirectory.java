package dev.sediment.store.fs;

import java.util.TreeMap;

/**
 * One directory of a {@link MemFileSystem}: its current entries and the entries made durable by the
 * last {@code syncDirectory}. Both map a name to an inode; a rename or delete changes only the current
 * map, so after a crash the durable map decides which name points at which bytes.
 *
 * <p>Not thread-safe: guarded by the owning file system's lock.
 */
final class MemDirectory {
    /** Current entries, sorted so listings and crash clones are deterministic. */
    final TreeMap<String, MemInode> entries = new TreeMap<>();
    /** Entries as of the last {@link #sync()}. */
    TreeMap<String, MemInode> durable = new TreeMap<>();

    void sync() {
        durable = new TreeMap<>(entries);
    }
}
