package dev.sediment.store.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A delta to the LSM state, logged to the manifest before it takes effect. Immutable; build with
 * {@link #builder()}. Absent scalar fields are {@code -1}.
 *
 * <p>Applied (by {@link VersionSet#logAndApply}) as: deletions first, then additions, so a trivial
 * move is "delete file 7 at L1, add file 7 at L2" in one edit. The revision scalars only ever raise
 * the version's value (an edit carrying a smaller one leaves the larger in place).
 */
public final class VersionEdit {
    /** A table added at a level. */
    public record NewFile(int level, FileMetadata file) {
    }

    /** A table removed from a level. */
    public record DeletedFile(int level, long fileNumber) {
    }

    private final List<NewFile> newFiles;
    private final List<DeletedFile> deletedFiles;
    private final long nextFileNumber;
    private final long lastRevision;
    private final long flushedRevision;
    private final List<CommitPoint> commitPoints;
    private final List<RevisionRange> rolledBack;
    private final long trimHorizon;
    private final String format;

    private VersionEdit(Builder b) {
        newFiles = List.copyOf(b.newFiles);
        deletedFiles = List.copyOf(b.deletedFiles);
        nextFileNumber = b.nextFileNumber;
        lastRevision = b.lastRevision;
        flushedRevision = b.flushedRevision;
        commitPoints = List.copyOf(b.commitPoints);
        rolledBack = List.copyOf(b.rolledBack);
        trimHorizon = b.trimHorizon;
        format = b.format;
    }

    private VersionEdit(VersionEdit e, long nextFileNumber, long lastRevision) {
        newFiles = e.newFiles;
        deletedFiles = e.deletedFiles;
        this.nextFileNumber = nextFileNumber;
        this.lastRevision = lastRevision;
        flushedRevision = e.flushedRevision;
        commitPoints = e.commitPoints;
        rolledBack = e.rolledBack;
        trimHorizon = e.trimHorizon;
        format = e.format;
    }

    private VersionEdit(CommitPoint point) {
        newFiles = List.of();
        deletedFiles = List.of();
        nextFileNumber = -1;
        lastRevision = -1;
        flushedRevision = -1;
        commitPoints = List.of(point);
        rolledBack = List.of();
        trimHorizon = -1;
        format = null;
    }

    /** The edit {@code Store.commit} logs: this commit point and nothing else (without a builder's lists). */
    public static VersionEdit ofCommitPoint(CommitPoint point) {
        return new VersionEdit(Objects.requireNonNull(point, "point"));
    }

    /** This edit with the bookkeeping every logged edit carries; shares the (immutable) lists. */
    VersionEdit withBookkeeping(long nextFileNumber, long lastRevision) {
        return new VersionEdit(this, nextFileNumber, lastRevision);
    }

    /**
     * Whether this edit only adds commit points (what {@code Store.commit} logs): it changes no file,
     * no revision bookkeeping beyond the last revision, no format.
     */
    public boolean onlyCommitPoints() {
        return !commitPoints.isEmpty() && newFiles.isEmpty() && deletedFiles.isEmpty() && rolledBack.isEmpty()
                && flushedRevision < 0 && trimHorizon < 0 && format == null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this edit, for filling in or overriding fields. */
    Builder toBuilder() {
        Builder b = new Builder();
        b.newFiles.addAll(newFiles);
        b.deletedFiles.addAll(deletedFiles);
        b.nextFileNumber = nextFileNumber;
        b.lastRevision = lastRevision;
        b.flushedRevision = flushedRevision;
        b.commitPoints.addAll(commitPoints);
        b.rolledBack.addAll(rolledBack);
        b.trimHorizon = trimHorizon;
        b.format = format;
        return b;
    }

    public List<NewFile> newFiles() {
        return newFiles;
    }

    public List<DeletedFile> deletedFiles() {
        return deletedFiles;
    }

    /** The next unused file number, or -1. */
    public long nextFileNumber() {
        return nextFileNumber;
    }

    /** The highest revision ever assigned that this edit knows of, or -1. */
    public long lastRevision() {
        return lastRevision;
    }

    /** Every revision at or below this is in SSTables, or -1. */
    public long flushedRevision() {
        return flushedRevision;
    }

    public List<CommitPoint> commitPoints() {
        return commitPoints;
    }

    public List<RevisionRange> rolledBack() {
        return rolledBack;
    }

    /** Superseded versions below this revision may be dropped, or -1. */
    public long trimHorizon() {
        return trimHorizon;
    }

    /** The store's value format as recorded by this edit, or null if the edit leaves it unchanged. */
    public String format() {
        return format;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionEdit e
                && newFiles.equals(e.newFiles) && deletedFiles.equals(e.deletedFiles)
                && nextFileNumber == e.nextFileNumber && lastRevision == e.lastRevision
                && flushedRevision == e.flushedRevision && commitPoints.equals(e.commitPoints)
                && rolledBack.equals(e.rolledBack) && trimHorizon == e.trimHorizon
                && Objects.equals(format, e.format);
    }

    @Override
    public int hashCode() {
        return Objects.hash(newFiles, deletedFiles, nextFileNumber, lastRevision, flushedRevision,
                commitPoints, rolledBack, trimHorizon, format);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VersionEdit{");
        scalar(sb, "nextFileNumber", nextFileNumber);
        scalar(sb, "lastRevision", lastRevision);
        scalar(sb, "flushedRevision", flushedRevision);
        scalar(sb, "trimHorizon", trimHorizon);
        if (format != null) {
            sb.append(" format=").append(format);
        }
        for (DeletedFile d : deletedFiles) {
            sb.append(" del L").append(d.level()).append(':').append(d.fileNumber());
        }
        for (NewFile n : newFiles) {
            sb.append(" add L").append(n.level()).append(':').append(n.file());
        }
        for (CommitPoint c : commitPoints) {
            sb.append(' ').append(c);
        }
        for (RevisionRange r : rolledBack) {
            sb.append(" rolledBack ").append(r.from()).append("..").append(r.to());
        }
        return sb.append(" }").toString();
    }

    private static void scalar(StringBuilder sb, String name, long v) {
        if (v != -1) {
            sb.append(' ').append(name).append('=').append(v);
        }
    }

    /** Builds a {@link VersionEdit}. Not thread-safe. */
    public static final class Builder {
        private final List<NewFile> newFiles = new ArrayList<>();
        private final List<DeletedFile> deletedFiles = new ArrayList<>();
        private long nextFileNumber = -1;
        private long lastRevision = -1;
        private long flushedRevision = -1;
        private final List<CommitPoint> commitPoints = new ArrayList<>();
        private final List<RevisionRange> rolledBack = new ArrayList<>();
        private long trimHorizon = -1;
        private String format;

        /** Same as {@link VersionEdit#builder()}. */
        public Builder() {
        }

        /** REQUIRES: {@code 0 <= level < Version.NUM_LEVELS}, non-null keys. */
        public Builder addFile(int level, FileMetadata file) {
            checkLevel(level);
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(file.smallestKey(), "smallestKey");
            Objects.requireNonNull(file.largestKey(), "largestKey");
            nonNegative("fileNumber", file.fileNumber());
            newFiles.add(new NewFile(level, file));
            return this;
        }

        /** REQUIRES: {@code 0 <= level < Version.NUM_LEVELS}. */
        public Builder deleteFile(int level, long fileNumber) {
            checkLevel(level);
            nonNegative("fileNumber", fileNumber);
            deletedFiles.add(new DeletedFile(level, fileNumber));
            return this;
        }

        /** REQUIRES: {@code n >= 0}. */
        public Builder nextFileNumber(long n) {
            nextFileNumber = nonNegative("nextFileNumber", n);
            return this;
        }

        /** REQUIRES: {@code r >= 0}. */
        public Builder lastRevision(long r) {
            lastRevision = nonNegative("lastRevision", r);
            return this;
        }

        /** REQUIRES: {@code r >= 0}. */
        public Builder flushedRevision(long r) {
            flushedRevision = nonNegative("flushedRevision", r);
            return this;
        }

        /** REQUIRES: a non-negative revision. Commit points are kept in the order they are added. */
        public Builder addCommitPoint(CommitPoint c) {
            Objects.requireNonNull(c, "commit point");
            nonNegative("commit point revision", c.revision());
            commitPoints.add(c);
            return this;
        }

        /** REQUIRES: a non-negative range. */
        public Builder addRolledBack(RevisionRange r) {
            Objects.requireNonNull(r, "range");
            nonNegative("rolled-back from", r.from());
            rolledBack.add(r);
            return this;
        }

        /** REQUIRES: {@code r >= 0}. */
        public Builder trimHorizon(long r) {
            trimHorizon = nonNegative("trimHorizon", r);
            return this;
        }

        /** Records the store's value format; REQUIRES: non-null (empty means "none"). */
        public Builder format(String f) {
            format = Objects.requireNonNull(f, "format");
            return this;
        }

        public VersionEdit build() {
            return new VersionEdit(this);
        }

        private static void checkLevel(int level) {
            if (level < 0 || level >= Version.NUM_LEVELS) {
                throw new IllegalArgumentException("level " + level + " outside [0, " + Version.NUM_LEVELS + ")");
            }
        }

        private static long nonNegative(String what, long v) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " " + v + " is negative");
            }
            return v;
        }
    }
}
