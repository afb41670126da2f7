package dev.sediment.store.engine;

import dev.sediment.store.StoreException;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;

/**
 * Commit points and bounded replay (design §5): {@code commit} appends a commit point to the manifest
 * without a sync of its own (losing the newest ones in a crash only rolls back further); a periodic
 * check makes them durable and flushes once the oldest unflushed one is older than maxReplayAge.
 * History trims are logged the same way. The check of each store runs on a thread of its own (see
 * {@link BackgroundPool#every}): it may wait for this store's write lock or manifest sync, and must never
 * hold up another store's.
 */
final class CommitPoints {
    private static final Logger log = LoggerFactory.getLogger(CommitPoints.class);

    private final EngineState state;
    private final VersionInstaller installer;
    private final WritePipeline writes;
    private final CompactionScheduler compactions;
    /** The latest commit point's offsets and position (the recovery point's after open). Written under writeLock. */
    private volatile Map<String, Long> offsets;
    private volatile byte[] position;
    private volatile ScheduledFuture<?> replayCheck;

    CommitPoints(EngineState state, VersionInstaller installer, WritePipeline writes, CompactionScheduler compactions,
                 Recovery.Outcome recovered) {
        this.state = state;
        this.installer = installer;
        this.writes = writes;
        this.compactions = compactions;
        this.offsets = recovered.offsets();
        this.position = recovered.position();
    }

    Map<String, Long> offsets() {
        return offsets;
    }

    byte[] position() {
        return position.clone();
    }

    /** The revision a crash now would reopen at: the recovery point of the durable manifest; see Store. */
    OptionalLong recoveryRevision() {
        CommitPoint p = state.versions.durable().recoveryPoint();
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.revision());
    }

    /** The revision of the last commit point, if the store has one. */
    OptionalLong lastRevision() {
        CommitPoint p = state.readState.version().lastCommitPoint();
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.revision());
    }

    /** Records a commit point at the visible revision; see {@link dev.sediment.store.Store#commit}. */
    long commit(Map<String, Long> changed, byte[] newPosition) {
        synchronized (state.writeLock) {
            state.checkWritable();
            Map<String, Long> merged;
            if (changed.isEmpty()) {
                merged = Map.of();
            } else if (replacesAll(changed, offsets)) {
                merged = changed; // the usual commit: every partition again (CommitPoint copies it)
            } else {
                Map<String, Long> m = new HashMap<>(offsets);
                changed.forEach((name, offset) -> {
                    if (offset == null) {
                        m.remove(name);
                    } else {
                        m.put(name, offset);
                    }
                });
                merged = m;
            }
            return record(merged, newPosition == null ? position : newPosition.clone(), null);
        }
    }

    /**
     * Records a commit point with the latest offsets and position and the value format {@code format} in one
     * synced manifest edit, after a flush (so the point is a recovery point as soon as the edit is durable); see
     * {@link dev.sediment.store.Store#commitFormat}. REQUIRES: no write runs concurrently.
     */
    long commitFormat(String format) {
        writes.flush();
        synchronized (state.writeLock) {
            state.checkWritable();
            return record(offsets, position, format);
        }
    }

    /** Whether {@code changed} names every partition of {@code current} and clears none (no null value). */
    private static boolean replacesAll(Map<String, Long> changed, Map<String, Long> current) {
        for (Map.Entry<String, Long> e : changed.entrySet()) {
            if (e.getValue() == null) {
                return false;
            }
        }
        for (String name : current.keySet()) {
            if (!changed.containsKey(name)) {
                return false;
            }
        }
        return true;
    }

    /** REQUIRES: writeLock held. */
    private long record(Map<String, Long> merged, byte[] pos, String format) {
        long rev = state.visibleRevision;
        CommitPoint point = new CommitPoint(rev, merged, pos, state.options.clock().millis());
        if (format == null) {
            installer.installCommit(VersionEdit.ofCommitPoint(point));
        } else {
            installer.install(VersionEdit.builder().addCommitPoint(point).format(format).build(), true,
                    "a format change", VersionInstaller.SAME_MEMTABLES);
        }
        offsets = point.offsets();
        position = pos;
        return rev;
    }

    /**
     * Raises the trim horizon to {@code revision}, capped at the recovery point (a rollback must still
     * find its versions); returns the horizon. See {@link dev.sediment.store.Store#trimHistory}.
     */
    long trimHistory(long revision, Reads reads) {
        synchronized (state.writeLock) {
            state.checkWritable();
            Version v = state.readState.version();
            CommitPoint recovery = v.recoveryPoint();
            long cap = recovery != null ? recovery.revision() : state.visibleRevision;
            long target = Math.min(revision, cap);
            if (target > v.trimHorizon()) {
                installer.install(VersionEdit.builder().trimHorizon(target).build(), false, "a history trim",
                        VersionInstaller.SAME_MEMTABLES);
                synchronized (state.stateLock) {
                    compactions.scheduleLocked();
                }
            }
            return reads.trimHorizon();
        }
    }

    /** Starts the bounded-replay check (design §5): flushes once the oldest unflushed commit point is too old. */
    void startReplayCheck() {
        Duration age = state.options.revisions().maxReplayAge();
        long period = age.isZero() ? 1000 : Math.max(10, Math.min(1000, age.toMillis() / 4));
        replayCheck = BackgroundPool.every(this::checkReplay, period);
    }

    void stopReplayCheck() {
        ScheduledFuture<?> check = replayCheck;
        if (check != null) {
            check.cancel(false);
        }
    }

    private void checkReplay() {
        if (state.stopping()) {
            return;
        }
        try {
            // Commit points are appended unsynced; make them durable within about a period.
            state.versions.sync();
        } catch (IOException | RuntimeException e) {
            if (!state.stopping()) { // a close in progress may have closed the manifest under this sync
                installer.enterReadOnly(e);
            }
            return;
        }
        Duration age = state.options.revisions().maxReplayAge();
        if (age.isZero()) {
            return;
        }
        Version v = state.readState.version();
        CommitPoint oldest = null;
        for (CommitPoint c : v.commitPoints()) {
            if (c.revision() > v.flushedRevision()) {
                oldest = c;
                break;
            }
        }
        if (oldest == null || state.options.clock().millis() - oldest.wallTimeMillis() < age.toMillis()) {
            return;
        }
        synchronized (state.writeLock) {
            if (state.stopping()) {
                return;
            }
            ReadState s = state.readState;
            // Never wait for room here: a full set of frozen memtables is being flushed already.
            if (!s.active().isEmpty() && s.active().minRevision() <= oldest.revision()
                    && s.immutables().size() < state.options.maxImmutableMemtables()) {
                log.debug("flushing {}: the commit point at revision {} is older than {}", state.dir,
                        oldest.revision(), age);
                try {
                    writes.freezeActive();
                } catch (StoreException e) {
                    // A store failing or closing: its own writers see that; the next check tries again.
                    log.warn("{}: no flush for the bounded replay this time: {}", state.dir, e.toString());
                }
            }
        }
    }
}
