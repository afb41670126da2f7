package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionTrimmedException;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.iterator.MergingIterator;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.revision.HistoryRetention;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read path: point reads and iterators at a revision over a pinned read state, snapshots, and the
 * checks that a revision is readable (not in the future, not below the trim horizon). Every open
 * iterator and snapshot is tracked, so close() can close them.
 */
final class Reads {
    private final EngineState state;
    private final ObsoleteFiles obsolete;
    private final TableCache tableCache;
    private final PointReader pointReader;
    private final TreeShape shape;
    private final CompactionScheduler compactions;
    private final Set<AutoCloseable> openReaders = ConcurrentHashMap.newKeySet();

    private final SeekSampling seeks;

    Reads(EngineState state, ObsoleteFiles obsolete, TableCache tableCache, PointReader pointReader, TreeShape shape,
          CompactionScheduler compactions, SeekSampling seeks) {
        this.seeks = seeks;
        this.state = state;
        this.obsolete = obsolete;
        this.tableCache = tableCache;
        this.pointReader = pointReader;
        this.shape = shape;
        this.compactions = compactions;
    }

    /**
     * Pins the current read state (its version). Release with {@link #release(ReadState)}. Lock-free: a version
     * the read state still references has references left, and {@link Version#tryRef} never revives a dead one
     * (then the read state has moved on: read it again).
     */
    private ReadState acquire() {
        while (true) {
            ReadState s = state.readState;
            if (s.version().tryRef()) {
                return s;
            }
        }
    }

    /** Lock-free unless this is the version's last reference, whose release may make tables obsolete. */
    private void release(ReadState s) {
        if (s.version().unrefIfNotLast()) {
            return;
        }
        List<Long> dropped;
        synchronized (state.stateLock) {
            dropped = obsolete.unrefLocked(s.version(), false);
        }
        obsolete.delete(dropped);
    }

    byte[] getAt(byte[] key, long revision) {
        ReadState s = acquire();
        try {
            return pointReader.get(s, key, revision);
        } finally {
            release(s);
        }
    }

    /** A read of the past through the store (not a snapshot): the revision must still be kept. */
    byte[] getHistoric(byte[] key, long revision) {
        checkNotFuture(revision);
        ReadState s = acquire();
        try {
            checkNotTrimmed(revision, s.version());
            return pointReader.get(s, key, revision);
        } finally {
            release(s);
        }
    }

    StoreIterator iteratorAt(KeyRange range, boolean reverse, long revision) {
        return iteratorAt(range, reverse, revision, false);
    }

    StoreIterator iteratorHistoric(KeyRange range, boolean reverse, long revision) {
        checkNotFuture(revision);
        return iteratorAt(range, reverse, revision, true);
    }

    private StoreIterator iteratorAt(KeyRange range, boolean reverse, long revision, boolean checkHistory) {
        ReadState s = acquire();
        InternalIterator merged;
        try {
            if (checkHistory) {
                checkNotTrimmed(revision, s.version());
            }
            merged = mergedIterator(s);
            seeks.charge(s.version(), reverse ? range.to() : range.from(), reverse);
        } catch (RuntimeException e) {
            release(s);
            throw e;
        }
        SnapshotIterator[] self = new SnapshotIterator[1];
        Runnable onClose = () -> {
            openReaders.remove(self[0]);
            release(s);
        };
        try {
            self[0] = new SnapshotIterator(merged, revision, range, reverse, onClose);
        } catch (RuntimeException e) {
            merged.close();
            release(s);
            throw e;
        }
        openReaders.add(self[0]);
        if (state.closed) {
            self[0].close();
            throw new StoreClosedException("store " + state.dir);
        }
        return self[0];
    }

    /** Every source of a read state merged, newest sources first (ties never occur: revisions are unique). */
    private InternalIterator mergedIterator(ReadState s) {
        List<InternalIterator> children = new ArrayList<>();
        children.add(s.active().iterator());
        for (MemTable m : s.immutables()) {
            children.add(m.iterator());
        }
        Version v = s.version();
        for (FileMetadata f : v.files(0)) {
            children.add(RolledBackFilter.wrap(new LevelIterator(tableCache, List.of(f)), v));
        }
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            if (!v.files(level).isEmpty()) {
                children.add(RolledBackFilter.wrap(new LevelIterator(tableCache, v.files(level)), v));
            }
        }
        return new MergingIterator(children);
    }

    Snapshot snapshot() {
        // Read and register under stateLock, where compactions read the boundaries: a compaction either
        // sees this snapshot, or picked its inputs before it existed, when every input revision was at or
        // below the revision this snapshot reads (so the newest of them, which are kept, are what it sees).
        EngineSnapshot snap;
        synchronized (state.stateLock) {
            snap = new EngineSnapshot(this, state.visibleRevision);
            shape.snapshotsLocked().add(snap.revision());
        }
        openReaders.add(snap);
        return snap;
    }

    /**
     * A snapshot at the latest commit point's revision, pinned under stateLock like {@link #snapshot()}. That
     * revision is always reconstructable: it is the recovery point (a compaction boundary) or above the
     * flushed revision, where compaction keeps every key's newest version; and a compaction that picked its
     * boundaries before this commit point was logged saw only tables at or below its revision.
     */
    Snapshot committedSnapshot() {
        EngineSnapshot snap;
        synchronized (state.stateLock) {
            CommitPoint p = state.readState.version().lastCommitPoint();
            if (p == null) {
                throw new IllegalStateException("store " + state.dir + " was never committed: no commit point to read at");
            }
            snap = new EngineSnapshot(this, p.revision());
            shape.snapshotsLocked().add(snap.revision());
        }
        openReaders.add(snap);
        return snap;
    }

    void snapshotClosed(EngineSnapshot snap) {
        openReaders.remove(snap);
        synchronized (state.stateLock) {
            shape.snapshotsLocked().remove(snap.revision());
            if (shape.snapshotsLocked().isEmpty()) {
                compactions.scheduleLocked(); // tombstones the snapshots pinned may be droppable now
            }
        }
    }

    void checkOpen() {
        state.checkOpen();
    }

    /** Every iterator and snapshot still open. */
    List<AutoCloseable> openReaders() {
        return new ArrayList<>(openReaders);
    }

    private void checkNotFuture(long revision) {
        long last = state.visibleRevision;
        if (revision > last) {
            throw new IllegalArgumentException("revision " + revision + " is above the last revision " + last
                    + " of store " + state.dir);
        }
    }

    /**
     * Checked against the version the read uses: a compaction that trims past {@code revision} logs
     * its horizon in the version it installs, so a read either fails or reads the files from before it.
     */
    private void checkNotTrimmed(long revision, Version v) {
        HistoryRetention history = shape.history();
        long horizon;
        if (history.keepsHistory()) {
            synchronized (state.stateLock) {
                horizon = shape.historyHorizonLocked(v);
            }
        } else {
            horizon = state.visibleRevision;
        }
        if (revision < horizon) {
            String why = history.keepsHistory()
                    ? "below the trim horizon " + horizon + " (retention: " + state.options.revisions() + ")"
                    : "in the past, and store " + state.dir + " keeps no history (set RevisionOptions.historyRetention "
                            + "or historyRetentionRevisions, or read through a snapshot)";
            throw new RevisionTrimmedException(revision, horizon, "cannot read at revision " + revision + ": " + why);
        }
    }

    /** The revision below which history may be gone; see {@link dev.sediment.store.Store#trimHorizon}. */
    long trimHorizon() {
        if (!shape.history().keepsHistory()) {
            return state.visibleRevision;
        }
        synchronized (state.stateLock) {
            return shape.historyHorizonLocked(state.readState.version());
        }
    }
}
