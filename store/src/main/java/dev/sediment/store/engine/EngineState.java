package dev.sediment.store.engine;

import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.manifest.VersionSet;

import java.nio.file.Path;

/**
 * What every part of one engine shares: where it lives, its options and manifest, the three monitors
 * of the lock order, and the fields through which writes and versions are published. See {@link Engine}
 * for the lock order and what each lock guards.
 */
final class EngineState {
    final Path dir;
    final StoreOptions options;
    final FileSystem fs;
    final VersionSet versions;

    /** Serializes writers: revision assignment, memtable inserts, memtable switches. First in the order. */
    final Object writeLock = new Object();
    /**
     * Serializes "log an edit, then install its version" (see {@link VersionInstaller}). Held across the
     * manifest sync, so readers never wait on it. After writeLock and compactionLock, before stateLock.
     */
    final Object installLock = new Object();
    /**
     * Guards the read-state swap, version references, flush/compaction scheduling and stall bookkeeping;
     * stalled writers and flush waiters wait on it. Last in the order: nothing is taken while holding it.
     */
    final Object stateLock = new Object();

    /** The sources a read merges. Written under stateLock, read without a lock. */
    volatile ReadState readState;
    /**
     * The last revision readers see. Written under writeLock after every entry of its batch is in the
     * memtable, so batches are atomic for readers.
     */
    volatile long visibleRevision;
    volatile boolean closed;
    /** Set first by close(), so writers stalled while holding the write lock give way. */
    volatile boolean closeRequested;
    /** Set (under stateLock) when the manifest's state is unknown: no more writes until reopened. */
    volatile StoreException fatalError;

    EngineState(Path dir, StoreOptions options, VersionSet versions) {
        this.dir = dir;
        this.options = options;
        this.fs = options.fileSystem();
        this.versions = versions;
    }

    void checkOpen() {
        if (closed) {
            throw new StoreClosedException("store " + dir);
        }
    }

    void checkWritable() {
        checkOpen();
        StoreException fatal = fatalError;
        if (fatal != null) {
            throw new StoreException("store " + dir + " is read-only after a manifest failure; reopen it to recover: "
                    + fatal.getMessage(), fatal);
        }
    }

    /** Background work and budget callbacks stop once this is true. */
    boolean stopping() {
        return closed || closeRequested || fatalError != null;
    }
}
