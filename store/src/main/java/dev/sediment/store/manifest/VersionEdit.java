package dev.sediment.store.manifest;

import java.util.List;

/**
 * A delta to the LSM state, logged to the manifest before it takes effect. Immutable; build with
 * {@link #builder()}. Absent scalar fields are {@code -1}.
 */
public final class VersionEdit {
    /** A table added at a level. */
    public record NewFile(int level, FileMetadata file) {
    }

    /** A table removed from a level. */
    public record DeletedFile(int level, long fileNumber) {
    }

    private VersionEdit() {
    }

    public static Builder builder() {
        throw new UnsupportedOperationException("TODO");
    }

    public List<NewFile> newFiles() {
        throw new UnsupportedOperationException("TODO");
    }

    public List<DeletedFile> deletedFiles() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The next unused file number, or -1. */
    public long nextFileNumber() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The highest revision ever assigned that this edit knows of, or -1. */
    public long lastRevision() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Every revision at or below this is in SSTables, or -1. */
    public long flushedRevision() {
        throw new UnsupportedOperationException("TODO");
    }

    public List<CommitPoint> commitPoints() {
        throw new UnsupportedOperationException("TODO");
    }

    public List<RevisionRange> rolledBack() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Superseded versions below this revision may be dropped, or -1. */
    public long trimHorizon() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Builds a {@link VersionEdit}. Not thread-safe. */
    public static final class Builder {
        public Builder addFile(int level, FileMetadata file) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder deleteFile(int level, long fileNumber) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder nextFileNumber(long n) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder lastRevision(long r) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder flushedRevision(long r) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder addCommitPoint(CommitPoint c) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder addRolledBack(RevisionRange r) {
            throw new UnsupportedOperationException("TODO");
        }

        public Builder trimHorizon(long r) {
            throw new UnsupportedOperationException("TODO");
        }

        public VersionEdit build() {
            throw new UnsupportedOperationException("TODO");
        }
    }
}
