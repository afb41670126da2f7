package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.compaction.CompactionEnv;
import dev.sediment.store.compaction.KeyRangeOfRunningOutput;
import dev.sediment.store.compaction.PickedCompaction;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.revision.HistoryRetention;
import dev.sediment.store.revision.SnapshotList;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What compaction decisions are made on: the current version's levels, the tables marked for a rewrite,
 * the compaction options in force (raised L0 trigger during a bulk load), and the revisions compaction
 * must keep readable (open snapshots, recovery point, history horizon). Methods ending in Locked
 * require the state lock.
 */
final class TreeShape {
    private final EngineState state;
    private final HistoryRetention history;
    /** Guarded by stateLock: a compaction reads the boundaries and a snapshot registers in one order. */
    private final SnapshotList snapshots = new SnapshotList();
    /** Tables that existed when the store opened and may hold rolled-back revisions; compaction rewrites them. */
    private final Set<Long> rolledBackTables;
    /**
     * Set by an ingest, cleared by the next write: while a store is bulk loaded (restored), L0 is compacted
     * only at {@link #bulkLoadCompaction}'s higher trigger, so runs are merged in fewer, larger compactions
     * instead of each being merged with the whole base level again and again. Written under stateLock.
     */
    private volatile boolean bulkLoading;
    private final CompactionOptions bulkLoadCompaction;
    /** Compactions between their pick and their install (or failure). Guarded by stateLock. */
    private final List<PickedCompaction> running = new ArrayList<>();
    /**
     * L0 tables written by intra-L0 merges -> how many L0 tables each stands for ({@link CompactionEnv#l0Weight}).
     * Guarded by stateLock. In memory only: after a reopen such a table counts as one until it is compacted.
     */
    private final Map<Long, Integer> l0Weights = new HashMap<>();
    /** Tables a range drop is removing, between its choice and its install. Guarded by stateLock. */
    private final Set<Long> dropping = new HashSet<>();
    /** Tables iterators' seeks marked for compaction (read-triggered compaction). */
    private final SeekSampling seeks;

    TreeShape(EngineState state, HistoryRetention history, Version opened) {
        this(state, history, opened, new SeekSampling(() -> { }));
    }

    /** With the {@link SeekSampling} the store's iterators charge, whose marked tables are marked here too. */
    TreeShape(EngineState state, HistoryRetention history, Version opened, SeekSampling seeks) {
        this.seeks = seeks;
        this.state = state;
        this.history = history;
        this.rolledBackTables = tablesOverlappingRolledBack(opened);
        CompactionOptions compaction = state.options.compaction();
        this.bulkLoadCompaction = compaction.toBuilder().l0CompactionTrigger(
                Math.max(compaction.l0CompactionTrigger(), compaction.l0SlowdownTrigger() / 2)).build();
    }

    HistoryRetention history() {
        return history;
    }

    SnapshotList snapshotsLocked() {
        return snapshots;
    }

    Set<Long> rolledBackTables() {
        return rolledBackTables;
    }

    boolean bulkLoading() {
        return bulkLoading;
    }

    void bulkLoadingLocked(boolean on) {
        bulkLoading = on;
    }

    /** A picked compaction starts: its inputs are busy and its output range taken until it ends. */
    void compactionStartedLocked(PickedCompaction c) {
        running.add(c);
    }

    void compactionEndedLocked(PickedCompaction c) {
        running.remove(c);
    }

    /**
     * A compaction's edit is installed: it ends, its inputs' weights go, and the outputs of an intra-L0 merge
     * share the weight of its inputs in proportion to their sizes (each at least 1).
     */
    void compactionInstalledLocked(PickedCompaction c, List<FileMetadata> outputs) {
        compactionEndedLocked(c);
        int merged = 0;
        for (FileMetadata f : c.startInputs()) {
            Integer w = l0Weights.remove(f.fileNumber());
            merged += w == null ? 1 : w;
        }
        if (c.startLevel() != 0 || c.outputLevel() != 0 || outputs.isEmpty()) {
            return;
        }
        long total = 0;
        for (FileMetadata f : outputs) {
            total += f.sizeBytes();
        }
        for (FileMetadata f : outputs) {
            long share = total == 0 ? 1 : Math.round((double) merged * f.sizeBytes() / total);
            if (share > 1) {
                l0Weights.put(f.fileNumber(), (int) Math.min(share, Integer.MAX_VALUE));
            }
        }
    }

    /**
     * An ingest installed {@code tables}: cut by key from one sorted batch, together they are one sorted run,
     * so for L0's file score they count as one table (the first counts 1, the others 0). Otherwise splitting a
     * restore's runs in two would compact L0 twice as often while it bulk loads.
     */
    void ingestedLocked(List<FileMetadata> tables) {
        for (int i = 1; i < tables.size(); i++) {
            l0Weights.put(tables.get(i).fileNumber(), 0);
        }
    }

    /** Tables a running compaction reads or a range drop is removing: neither may take them. */
    Set<Long> busyTablesLocked() {
        Set<Long> busy = new HashSet<>(dropping);
        for (PickedCompaction c : running) {
            c.allInputs().forEach(f -> busy.add(f.fileNumber()));
        }
        return busy;
    }

    /** A range drop chose {@code tables}: no compaction picks them until {@link #dropEndedLocked}. */
    void dropStartedLocked(List<Long> tables) {
        dropping.addAll(tables);
    }

    void dropEndedLocked(List<Long> tables) {
        tables.forEach(dropping::remove);
    }

    /** What the picker sees now, running compactions included. */
    CompactionEnv envLocked() {
        Version v = state.readState.version();
        List<List<FileMetadata>> levels = new ArrayList<>(Version.NUM_LEVELS);
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            levels.add(v.files(level));
        }
        if (!l0Weights.isEmpty()) { // a range drop may have removed a weighted table
            Set<Long> l0 = new HashSet<>();
            v.files(0).forEach(f -> l0.add(f.fileNumber()));
            l0Weights.keySet().retainAll(l0);
        }
        List<KeyRangeOfRunningOutput> outputs = new ArrayList<>(running.size());
        for (PickedCompaction c : running) {
            outputs.add(c.outputRange());
        }
        return new CompactionEnv(levels, busyTablesLocked(), outputs, markedLocked(v),
                bulkLoading ? bulkLoadCompaction : state.options.compaction(), l0Weights);
    }

    /**
     * The history horizon: every version above it is kept and readable. {@link Long#MAX_VALUE} when no
     * history is retained. The longer of the two retentions wins; an explicit trim raises it.
     */
    long historyHorizonLocked(Version v) {
        return history.horizon(state.visibleRevision, v.trimHorizon(), state.options.clock().millis());
    }

    /**
     * What compaction must keep readable (design §4, §5 invariant 4): every open snapshot's revision,
     * the recovery point, and the trim horizon.
     */
    long[] boundariesLocked(Version v, long historyFrom) {
        List<Long> b = snapshots.revisions();
        if (v.trimHorizon() > 0) {
            b.add(v.trimHorizon());
        }
        CommitPoint recovery = v.recoveryPoint();
        if (recovery != null) {
            b.add(recovery.revision());
        }
        if (historyFrom != Long.MAX_VALUE) {
            b.add(historyFrom);
        }
        long[] out = new long[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    /**
     * Tables dense in tombstones, and tables iterators seek into often while a deeper level lies below them
     * ({@link SeekSampling}), which the picker compacts when no level is over its target. L0 is left
     * to the L0 trigger. A last-level table is marked only while no snapshot is open: rewriting it in
     * place drops its tombstones only when no snapshot can see them, and marking it otherwise would
     * rewrite it again and again.
     */
    private Set<Long> markedLocked(Version v) {
        double trigger = state.options.compaction().tombstoneDensityTrigger();
        Set<Long> marked = new HashSet<>();
        int last = Version.NUM_LEVELS - 1;
        long lowestBoundary = Long.MAX_VALUE;
        for (long b : boundariesLocked(v, historyHorizonLocked(v))) {
            lowestBoundary = Math.min(lowestBoundary, b);
        }
        for (int level = 1; level <= last; level++) {
            for (FileMetadata f : v.files(level)) {
                if (rolledBackTables.contains(f.fileNumber())) {
                    marked.add(f.fileNumber()); // rewriting it drops the rolled-back entries for good
                    continue;
                }
                // In place, a last-level table loses only tombstones below every boundary: mark it only
                // if all of them are, or it would be rewritten again and again to no effect.
                if (trigger > 0 && f.tombstones() > 0 && f.tombstones() >= trigger * f.entries()
                        && (level < last || f.maxRevision() <= lowestBoundary)) {
                    marked.add(f.fileNumber());
                }
            }
        }
        return seeks.markedIn(v, marked);
    }

    /** Tables whose revisions overlap a rolled-back range; outputs of later compactions never do. */
    private static Set<Long> tablesOverlappingRolledBack(Version v) {
        Set<Long> out = ConcurrentHashMap.newKeySet();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                for (var r : v.rolledBack()) {
                    if (f.minRevision() <= r.to() && f.maxRevision() >= r.from()) {
                        out.add(f.fileNumber());
                    }
                }
            }
        }
        return out;
    }
}
