package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The immutable LSM state: the live tables per level plus the revision bookkeeping the manifest
 * keeps. Changed only by building a new Version from a {@link VersionEdit} in {@link VersionSet}.
 *
 * <p>Level order:
 * <ul>
 *   <li>L0: newest first, by {@code maxRevision} descending (then file number descending). L0 files
 *       come from memtable flushes and ingests, whose revision ranges are disjoint, so this is also data
 *       age; the two tables of one split ingest share a revision range but not a key, so for every key
 *       it still is.</li>
 *   <li>L1..L{@code NUM_LEVELS-1}: by smallest key ascending; files do not overlap and no user key is
 *       split across two files of a level.</li>
 * </ul>
 * Reference-counted by the engine: a reader pins a version with {@link #ref()} and releases it with
 * {@link #unref()}; the files of a version are not deleted while it is referenced. A new version
 * starts with no references, and {@link VersionSet} takes none: "current or referenced" is live.
 *
 * <p>Revision bookkeeping: {@link #flushedRevision()}, {@link #trimHorizon()} and the last revision
 * only grow. Commit points are bounded (see {@link #commitPoints()}); rolled-back ranges are all kept
 * (one per crash recovery, so few).
 *
 * <p>Thread-safety: immutable apart from the reference count, which is atomic.
 */
public final class Version {
    public static final int NUM_LEVELS = 7;

    /**
     * Commit points kept above {@link #flushedRevision()}. Only these (and the newest one at or below
     * it) can become the recovery point; see {@link #commitPoints()}.
     */
    static final int MAX_UNFLUSHED_COMMIT_POINTS = 256;

    private static final Version EMPTY = new Version(emptyLevels(), 0, 0, 0, List.of(), List.of(), "");

    // Immutable fields. INVARIANT: files per level in the order the class javadoc gives.
    private final List<List<FileMetadata>> levels;
    private final long[] levelBytes;
    private final long flushedRevision;
    private final long trimHorizon;
    private final long lastRevision;
    private final List<CommitPoint> commitPoints;
    private final List<RevisionRange> rolledBack;
    private final String format;

    private final AtomicInteger refs = new AtomicInteger();

    /**
     * A version holding exactly these lists, in the given order (not sorted or checked here:
     * {@link VersionBuilder} sorts, {@link LevelChecker} checks).
     * REQUIRES: {@code levels.size() == NUM_LEVELS}.
     */
    Version(List<List<FileMetadata>> levels, long flushedRevision, long trimHorizon, long lastRevision,
            List<CommitPoint> commitPoints, List<RevisionRange> rolledBack) {
        this(levels, flushedRevision, trimHorizon, lastRevision, commitPoints, rolledBack, "");
    }

    /** As above, with the recorded value format ({@code ""} for none). */
    Version(List<List<FileMetadata>> levels, long flushedRevision, long trimHorizon, long lastRevision,
            List<CommitPoint> commitPoints, List<RevisionRange> rolledBack, String format) {
        if (levels.size() != NUM_LEVELS) {
            throw new IllegalArgumentException("expected " + NUM_LEVELS + " levels, got " + levels.size());
        }
        List<List<FileMetadata>> copy = new ArrayList<>(NUM_LEVELS);
        levelBytes = new long[NUM_LEVELS];
        for (int level = 0; level < NUM_LEVELS; level++) {
            List<FileMetadata> files = List.copyOf(levels.get(level));
            copy.add(files);
            for (FileMetadata f : files) {
                levelBytes[level] += f.sizeBytes();
            }
        }
        this.levels = Collections.unmodifiableList(copy);
        this.flushedRevision = flushedRevision;
        this.trimHorizon = trimHorizon;
        this.lastRevision = lastRevision;
        this.commitPoints = List.copyOf(commitPoints);
        this.rolledBack = List.copyOf(rolledBack);
        this.format = java.util.Objects.requireNonNull(format, "format");
    }

    /** {@code base}'s files and rolled-back ranges (shared, as they are immutable) with other commit points. */
    private Version(Version base, long lastRevision, List<CommitPoint> commitPoints) {
        this.levels = base.levels;
        this.levelBytes = base.levelBytes;
        this.flushedRevision = base.flushedRevision;
        this.trimHorizon = base.trimHorizon;
        this.lastRevision = lastRevision;
        this.commitPoints = commitPoints instanceof CommitPointList ? commitPoints : List.copyOf(commitPoints);
        this.rolledBack = base.rolledBack;
        this.format = base.format;
    }

    /**
     * This version with other commit points and last revision: what a commit makes of it. O(commit
     * points), not O(files): a commit (every record in TopologyTestDriver, every 100 ms in Kafka 4.4)
     * must not rebuild the levels.
     */
    Version withCommitPoints(long lastRevision, List<CommitPoint> commitPoints) {
        return new Version(this, lastRevision, commitPoints);
    }

    /** Whether both versions hold the same files: true when one was made from the other by a commit. */
    public boolean sameFilesAs(Version other) {
        return levels == other.levels;
    }

    /**
     * Whether the two versions differ at most in commit points and last revision: what a commit's edit
     * changes. Then a version made from one by a commit edit may stand in for the other plus that edit.
     */
    public boolean differsOnlyInCommitPoints(Version other) {
        return levels == other.levels && flushedRevision == other.flushedRevision
                && trimHorizon == other.trimHorizon && rolledBack.equals(other.rolledBack) && format.equals(other.format);
    }

    /** The state of a new store: no files, every revision 0. */
    static Version empty() {
        return EMPTY;
    }

    static List<List<FileMetadata>> emptyLevels() {
        List<List<FileMetadata>> levels = new ArrayList<>(NUM_LEVELS);
        for (int i = 0; i < NUM_LEVELS; i++) {
            levels.add(List.of());
        }
        return levels;
    }

    /** The files of a level in the order described above; unmodifiable. */
    public List<FileMetadata> files(int level) {
        return levels.get(level);
    }

    public long levelBytes(int level) {
        return levelBytes[level];
    }

    /** Every revision at or below this is in SSTables; 0 for a new store. */
    public long flushedRevision() {
        return flushedRevision;
    }

    /**
     * The commit points kept, oldest first; unmodifiable.
     *
     * <p>Bounded: the newest commit point whose revision is at or below {@link #flushedRevision()}
     * (the recovery point candidate) plus at most {@value #MAX_UNFLUSHED_COMMIT_POINTS} of the newest
     * ones above it. Older ones can never matter again: flushedRevision only grows, so the recovery
     * point can only move to a newer commit point, and an older one at or below flushedRevision is
     * superseded by the candidate. "Newest" means logged last.
     */
    public List<CommitPoint> commitPoints() {
        return commitPoints;
    }

    /**
     * The recovery point: the newest commit point whose revision is flushed, or null if there is none.
     * "Newest" means logged last.
     */
    public CommitPoint recoveryPoint() {
        for (int i = commitPoints.size() - 1; i >= 0; i--) {
            if (commitPoints.get(i).revision() <= flushedRevision) {
                return commitPoints.get(i);
            }
        }
        return null;
    }

    /** The newest commit point logged, or null. */
    public CommitPoint lastCommitPoint() {
        return commitPoints.isEmpty() ? null : commitPoints.get(commitPoints.size() - 1);
    }

    /** Whether {@code revision} lies in a rolled-back range. */
    public boolean isRolledBack(long revision) {
        for (RevisionRange r : rolledBack) {
            if (r.contains(revision)) {
                return true;
            }
        }
        return false;
    }

    /** Revision ranges rolled back after crashes, whose entries readers must ignore; unmodifiable. */
    public List<RevisionRange> rolledBack() {
        return rolledBack;
    }

    /**
     * The value format recorded for the store by its user (e.g. "timestamped"), or {@code ""} if none was
     * ever named. Opaque to the engine: it only compares it with the format a later open asks for.
     */
    public String format() {
        return format;
    }

    /** Superseded versions below this revision may be dropped; 0 for a new store. */
    public long trimHorizon() {
        return trimHorizon;
    }

    /**
     * The highest revision recorded: every edit's lastRevision, flushedRevision, commit point
     * revisions, rolled-back range ends and added files' maxRevision. New writes go above it.
     */
    public long lastRevision() {
        return lastRevision;
    }

    /** Adds a reference. */
    public void ref() {
        refs.incrementAndGet();
    }

    /** Drops a reference; true if none remain. Throws IllegalStateException on underflow. */
    public boolean unref() {
        int n = refs.decrementAndGet();
        if (n < 0) {
            refs.incrementAndGet();
            throw new IllegalStateException("unref of a version with no references");
        }
        return n == 0;
    }

    /**
     * Adds a reference unless none remain (a version whose last reference went is dead: its tables may be
     * deleted). Lock-free: a reader pins the current version this way without the engine's state lock.
     */
    public boolean tryRef() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference if it is not the last one (the last one needs the owner's bookkeeping). */
    public boolean unrefIfNotLast() {
        while (true) {
            int n = refs.get();
            if (n <= 1) {
                return false;
            }
            if (refs.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    public int refs() {
        return refs.get();
    }

    /**
     * A readable multi-line form: one line per non-empty level with each file's number, key range,
     * revisions and size, e.g. {@code L1: 7[a#5,PUT..f#2,DELETE rev 2..5 1.2KB] 9[...]};
     * {@code (empty)} for a version without files.
     */
    public String toDebugString() {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < NUM_LEVELS; level++) {
            List<FileMetadata> files = levels.get(level);
            if (files.isEmpty()) {
                continue;
            }
            sb.append('L').append(level).append(':');
            for (FileMetadata f : files) {
                sb.append(' ').append(f.fileNumber()).append('[')
                        .append(InternalKeys.toDebugString(f.smallestKey(), f.smallestTrailer()))
                        .append("..")
                        .append(InternalKeys.toDebugString(f.largestKey(), f.largestTrailer()))
                        .append(" rev ").append(f.minRevision()).append("..").append(f.maxRevision())
                        .append(' ').append(humanBytes(f.sizeBytes())).append(']');
            }
            sb.append('\n');
        }
        return sb.length() == 0 ? "(empty)\n" : sb.toString();
    }

    /** {@link #toDebugString()} preceded by a line with the revision bookkeeping; for tests and tools. */
    String stateDebugString() {
        return (format.isEmpty() ? "" : "format " + format + " ") + "flushed " + flushedRevision + " trim " + trimHorizon + " last " + lastRevision
                + " commitPoints " + commitPoints + " rolledBack " + rolledBack + "\n" + toDebugString();
    }

    static String humanBytes(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
