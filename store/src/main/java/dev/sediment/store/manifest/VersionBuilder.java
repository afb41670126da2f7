package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a {@link VersionEdit} to a {@link Version}, producing a new one: deletions, then additions,
 * then the revision bookkeeping. Pure: the base version is not changed.
 *
 * <p>An edit that does not fit the base (deleting a file that is not there, adding a file number
 * that is live or added twice, a file number at or above the counter) throws IllegalStateException:
 * in {@link VersionSet#logAndApply} that is a caller bug, in replay it becomes a corruption error.
 */
final class VersionBuilder {
    /** L0: newest first (maxRevision descending, then file number descending). */
    static final Comparator<FileMetadata> L0_ORDER = Comparator
            .comparingLong(FileMetadata::maxRevision).reversed()
            .thenComparing(Comparator.comparingLong(FileMetadata::fileNumber).reversed());

    /** L1+: smallest internal key ascending (then file number, so the order is total). */
    static final Comparator<FileMetadata> LEVEL_ORDER = (a, b) -> {
        int c = InternalKeys.compare(a.smallestKey(), a.smallestTrailer(), b.smallestKey(), b.smallestTrailer());
        return c != 0 ? c : Long.compare(a.fileNumber(), b.fileNumber());
    };

    private VersionBuilder() {
    }

    /**
     * The version {@code base} becomes with {@code edit} applied.
     *
     * @param fileNumberLimit every added file's number must be below this; -1 for no check
     * @throws IllegalStateException if the edit is inconsistent with {@code base}
     */
    static Version apply(Version base, VersionEdit edit, long fileNumberLimit) {
        if (edit.newFiles().isEmpty() && edit.deletedFiles().isEmpty() && edit.rolledBack().isEmpty()
                && edit.flushedRevision() <= base.flushedRevision() && edit.trimHorizon() <= base.trimHorizon()
                && edit.format() == null) {
            return applyCommitPoints(base, edit);
        }
        List<List<FileMetadata>> levels = new ArrayList<>(Version.NUM_LEVELS);
        Set<Long> live = new HashSet<>();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            levels.add(new ArrayList<>(base.files(level)));
            for (FileMetadata f : base.files(level)) {
                live.add(f.fileNumber());
            }
        }

        for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
            checkLevel(d.level());
            if (!levels.get(d.level()).removeIf(f -> f.fileNumber() == d.fileNumber())) {
                throw new IllegalStateException("deletes file " + d.fileNumber() + " at L" + d.level()
                        + ", which is not there");
            }
            live.remove(d.fileNumber());
        }

        long lastRevision = base.lastRevision();
        for (VersionEdit.NewFile n : edit.newFiles()) {
            checkLevel(n.level());
            long number = n.file().fileNumber();
            if (!live.add(number)) {
                throw new IllegalStateException("adds file " + number + " at L" + n.level() + ", but that number is already live");
            }
            if (fileNumberLimit >= 0 && number >= fileNumberLimit) {
                throw new IllegalStateException("adds file " + number + " at or above the next file number "
                        + fileNumberLimit + ": numbers must come from newFileNumber()");
            }
            levels.get(n.level()).add(n.file());
            lastRevision = Math.max(lastRevision, n.file().maxRevision());
        }
        levels.get(0).sort(L0_ORDER);
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            levels.get(level).sort(LEVEL_ORDER);
        }

        long flushed = Math.max(base.flushedRevision(), edit.flushedRevision());
        long trim = Math.max(base.trimHorizon(), edit.trimHorizon());
        lastRevision = Math.max(lastRevision, Math.max(edit.lastRevision(), flushed));

        // A commit point inside a newly rolled-back range describes a state that no longer exists: it
        // must never become a recovery point (the edit's own commit points are added after this).
        List<CommitPoint> commitPoints = new ArrayList<>();
        for (CommitPoint c : base.commitPoints()) {
            boolean gone = false;
            for (RevisionRange r : edit.rolledBack()) {
                gone |= r.contains(c.revision());
            }
            if (!gone) {
                commitPoints.add(c);
            }
        }
        for (CommitPoint c : edit.commitPoints()) {
            commitPoints.add(c);
            lastRevision = Math.max(lastRevision, c.revision());
        }
        List<RevisionRange> rolledBack = new ArrayList<>(base.rolledBack());
        for (RevisionRange r : edit.rolledBack()) {
            rolledBack.add(r);
            lastRevision = Math.max(lastRevision, r.to());
        }
        String format = edit.format() == null ? base.format() : edit.format();
        return new Version(levels, flushed, trim, lastRevision, bound(commitPoints, flushed), rolledBack, format);
    }

    /**
     * {@link #apply} for an edit that changes no file, rolls nothing back, records no format and moves
     * neither the flushed revision nor the trim horizon (a commit's edit): the same result without rebuilding the levels.
     */
    private static Version applyCommitPoints(Version base, VersionEdit edit) {
        long flushed = base.flushedRevision();
        long lastRevision = Math.max(base.lastRevision(), Math.max(edit.lastRevision(), flushed));
        for (CommitPoint c : edit.commitPoints()) {
            lastRevision = Math.max(lastRevision, c.revision());
        }
        List<CommitPoint> points = base.commitPoints();
        if (edit.commitPoints().size() == 1 && edit.commitPoints().get(0).revision() > flushed) {
            List<CommitPoint> appended = appendAbove(points, edit.commitPoints().get(0), flushed);
            if (appended != null) {
                return base.withCommitPoints(lastRevision, appended);
            }
        }
        List<CommitPoint> all = new ArrayList<>(points.size() + edit.commitPoints().size());
        all.addAll(points);
        all.addAll(edit.commitPoints());
        return base.withCommitPoints(lastRevision, bound(all, flushed));
    }

    /**
     * {@code bound(points + c, flushed)} for an already bounded {@code points} and {@code c} above
     * {@code flushed}, O(1) amortised; null if {@code points} is not in bound()'s shape.
     */
    static List<CommitPoint> appendAbove(List<CommitPoint> points, CommitPoint c, long flushed) {
        return CommitPointList.appendAbove(points, c, flushed, Version.MAX_UNFLUSHED_COMMIT_POINTS);
    }

    /**
     * Keeps the newest commit point at or below {@code flushedRevision} and the newest
     * {@link Version#MAX_UNFLUSHED_COMMIT_POINTS} above it, in their original (log) order. Idempotent,
     * so a snapshot of a bounded list replays to the same list.
     */
    static List<CommitPoint> bound(List<CommitPoint> commitPoints, long flushedRevision) {
        int candidate = -1;
        int above = 0;
        for (int i = 0; i < commitPoints.size(); i++) {
            if (commitPoints.get(i).revision() <= flushedRevision) {
                candidate = i;
            } else {
                above++;
            }
        }
        int skipAbove = Math.max(0, above - Version.MAX_UNFLUSHED_COMMIT_POINTS);
        List<CommitPoint> kept = new ArrayList<>(Math.min(commitPoints.size(), Version.MAX_UNFLUSHED_COMMIT_POINTS + 1));
        for (int i = 0; i < commitPoints.size(); i++) {
            CommitPoint c = commitPoints.get(i);
            if (c.revision() <= flushedRevision) {
                if (i == candidate) {
                    kept.add(c);
                }
            } else if (skipAbove > 0) {
                skipAbove--;
            } else {
                kept.add(c);
            }
        }
        return kept;
    }

    private static void checkLevel(int level) {
        if (level < 0 || level >= Version.NUM_LEVELS) {
            throw new IllegalStateException("level " + level + " outside [0, " + Version.NUM_LEVELS + ")");
        }
    }
}
