package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.StoreStats;
import dev.sediment.store.compaction.CompactionPicker;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;

import java.util.ArrayList;
import java.util.List;

/** Gathers {@link StoreStats} from the parts of one engine. */
final class EngineStats {
    private final EngineState state;
    private final TreeShape shape;
    private final CompactionPicker picker;
    private final CompactionStats compactionStats;
    private final WriteStalls stalls;
    private final FlushScheduler flushes;
    private final BlockCache blockCache;
    private final TableCache tableCache;
    private final PointReader pointReader;

    EngineStats(EngineState state, TreeShape shape, CompactionPicker picker, CompactionStats compactionStats,
                WriteStalls stalls, FlushScheduler flushes, BlockCache blockCache, TableCache tableCache,
                PointReader pointReader) {
        this.state = state;
        this.shape = shape;
        this.picker = picker;
        this.compactionStats = compactionStats;
        this.stalls = stalls;
        this.flushes = flushes;
        this.blockCache = blockCache;
        this.tableCache = tableCache;
        this.pointReader = pointReader;
    }

    StoreStats snapshot() {
        ReadState s = state.readState;
        long memBytes = s.active().approximateBytes();
        long entries = s.active().liveKeyDelta();
        for (MemTable m : s.immutables()) {
            memBytes += m.approximateBytes();
            entries += m.liveKeyDelta();
        }
        List<StoreStats.Level> levels = new ArrayList<>();
        long live = 0;
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            List<FileMetadata> fl = s.version().files(level);
            long b = 0;
            for (FileMetadata f : fl) {
                b += f.sizeBytes();
                entries += f.entries() - 2 * f.tombstones(); // a tombstone and the version it hides
            }
            levels.add(new StoreStats.Level(fl.size(), b));
            live += b;
        }
        long visible = state.visibleRevision;
        synchronized (state.stateLock) {
            Version v = s.version();
            return new StoreStats(Math.max(0, entries),
                    new StoreStats.Revisions(visible, v.flushedRevision(), recoveryRevision(v),
                            shape.history().keepsHistory() ? shape.historyHorizonLocked(v) : visible,
                            v.commitPoints().size(), v.rolledBack().size()),
                    new StoreStats.Memtables(memBytes, s.immutables().size()),
                    new StoreStats.Tables(levels, live, tableCache.openTables(), pointReader.tableLookups(),
                            pointReader.filterChecks(), pointReader.tableReads(),
                            pointReader.tableReadMisses()),
                    new StoreStats.Flushes(flushes.flushesLocked(), flushes.flushedBytesLocked(),
                            compactionStats.flushMillis()),
                    new StoreStats.Compactions(compactionStats.compactions(), compactionStats.compactionBytesRead(),
                            compactionStats.compactionBytesWritten(), compactionStats.writeAmplification(),
                            stalls.pendingCompactionBytes(), compactionStats.compactionMillis(),
                            compactionStats.table(v, picker.scores(shape.envLocked()))),
                    new StoreStats.Stalls(stalls.countLocked(), stalls.nanosLocked() / 1_000_000,
                            stalls.decision().reason(), stalls.summaryLocked()),
                    new StoreStats.Cache(blockCache.hits(), blockCache.misses(), blockCache.usedBytes(),
                            blockCache.pinnedBytes(), blockCache.missReadBytes()));
        }
    }

    private static long recoveryRevision(Version v) {
        CommitPoint p = v.recoveryPoint();
        return p == null ? -1 : p.revision();
    }
}
