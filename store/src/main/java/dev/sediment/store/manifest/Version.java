package dev.sediment.store.manifest;

import java.util.List;

/**
 * The immutable LSM state: the live tables per level plus the revision bookkeeping the manifest
 * keeps. Changed only by building a new Version from a {@link VersionEdit} in {@link VersionSet}.
 *
 * <p>Level order:
 * <ul>
 *   <li>L0: newest first, by {@code maxRevision} descending (then file number descending). L0 files
 *       come from memtable flushes, whose revision ranges are disjoint, so this is also data age.</li>
 *   <li>L1..L{@code NUM_LEVELS-1}: by smallest key ascending; files do not overlap and no user key is
 *       split across two files of a level.</li>
 * </ul>
 * Reference-counted by the engine: a reader pins a version with {@link #ref()} and releases it with
 * {@link #unref()}; the files of a version are not deleted while it is referenced.
 */
public final class Version {
    public static final int NUM_LEVELS = 7;

    private Version() {
    }

    /** The files of a level in the order described above; unmodifiable. */
    public List<FileMetadata> files(int level) {
        throw new UnsupportedOperationException("TODO");
    }

    public long levelBytes(int level) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Every revision at or below this is in SSTables; 0 for a new store. */
    public long flushedRevision() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The commit points kept, oldest first; unmodifiable. */
    public List<CommitPoint> commitPoints() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Revision ranges rolled back after crashes, whose entries readers must ignore; unmodifiable. */
    public List<RevisionRange> rolledBack() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Superseded versions below this revision may be dropped; 0 for a new store. */
    public long trimHorizon() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Adds a reference. */
    public void ref() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Drops a reference; true if none remain. Throws IllegalStateException on underflow. */
    public boolean unref() {
        throw new UnsupportedOperationException("TODO");
    }

    public int refs() {
        throw new UnsupportedOperationException("TODO");
    }

    /** A readable multi-line form: one line per level with each file's number, key range and revisions. */
    public String toDebugString() {
        throw new UnsupportedOperationException("TODO");
    }
}
