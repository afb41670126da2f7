package dev.sediment.store.engine;

import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.RevisionRange;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;
import dev.sediment.store.manifest.VersionSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Opens a store at its recovery point (design §5): the newest durable commit point whose revision is
 * flushed. Revisions above it are rolled back in one synced manifest edit, which also drops the commit
 * points that described them. A store never committed is left as it is.
 *
 * <p>The age guard: a recovery point older than the tombstone retention, or none at all although
 * commits were made (every commit came after the last flush), opens the store empty, with an
 * empty-offsets commit point: the caller must restore from scratch, and keys deleted since could come
 * back if the old state were kept.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /**
     * What the store reports after open: the recovery point (null if never committed) and the revision
     * the store's state is at (reads see it; new writes go above the manifest's last revision).
     */
    record Outcome(CommitPoint point, long visibleRevision) {
        Map<String, Long> offsets() {
            return point == null ? Map.of() : point.offsets();
        }

        byte[] position() {
            return point == null ? new byte[0] : point.position();
        }
    }

    private Recovery() {
    }

    static Outcome recover(VersionSet versions, Path dir, long nowMillis, Duration tombstoneRetention)
            throws IOException {
        Version v = versions.current();
        if (v.commitPoints().isEmpty()) {
            return new Outcome(null, v.flushedRevision());
        }
        long last = v.lastRevision();
        CommitPoint point = v.recoveryPoint();
        boolean tooOld = point != null && !tombstoneRetention.isZero()
                && nowMillis - point.wallTimeMillis() > tombstoneRetention.toMillis();
        if (point == null || tooOld) {
            if (point == null) {
                log.warn("store {}: no commit point is covered by flushed data; opening empty with no offsets "
                        + "(the changelog must be restored from the beginning)", dir);
            } else {
                log.warn("store {}: the recovery point (revision {}) is {} old, over the tombstone retention of {}; "
                                + "opening empty with no offsets so the changelog is restored from the beginning "
                                + "(its tombstones may be gone)", dir, point.revision(),
                        Duration.ofMillis(nowMillis - point.wallTimeMillis()), tombstoneRetention);
            }
            VersionEdit.Builder edit = VersionEdit.builder();
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (FileMetadata f : v.files(level)) {
                    edit.deleteFile(level, f.fileNumber());
                }
            }
            if (last >= 1) {
                edit.addRolledBack(new RevisionRange(1, last));
            }
            CommitPoint empty = new CommitPoint(last, Map.of(), new byte[0], nowMillis);
            edit.flushedRevision(last).lastRevision(last).addCommitPoint(empty);
            versions.logAndApply(edit.build());
            return new Outcome(empty, last);
        }
        boolean newerCommits = v.commitPoints().get(v.commitPoints().size() - 1) != point;
        if (v.flushedRevision() > point.revision() || newerCommits) {
            // Data above the point reached SSTs, or commit points describe states past it: hide both.
            // (Otherwise nothing above the point exists, and the revision lease alone needs no range.)
            log.info("store {}: rolling back revisions {}..{} to the recovery point at revision {} ({})", dir,
                    point.revision() + 1, last, point.revision(), point.offsets());
            versions.logAndApply(VersionEdit.builder()
                    .addRolledBack(new RevisionRange(point.revision() + 1, last))
                    .flushedRevision(last)
                    .lastRevision(last)
                    .build());
        }
        return new Outcome(point, point.revision());
    }
}
