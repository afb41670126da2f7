package dev.sediment.store.engine;

import dev.sediment.store.StoreStats;
import dev.sediment.store.cache.BlockCache;
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
        long entries = s.active().entries();
        for (MemTable m : s.immutables()) {
            memBytes += m.approximateBytes();
            entries += m.entries();
        }
        List<Integer> files = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        long live = 0;
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            List<FileMetadata> fl = s.version().files(level);
            files.add(fl.size());
            long b = 0;
            for (FileMetadata f : fl) {
                b += f.sizeBytes();
                entries += f.entries();
            }
            bytes.add(b);
            live += b;
        }
        long visible = state.visibleRevision;
        synchronized (state.stateLock) {
            return new StoreStats(visible, memBytes, s.immutables().size(), files, bytes, live, entries,
                    flushes.flushesLocked(), flushes.flushedBytesLocked(), stalls.countLocked(),
                    stalls.nanosLocked() / 1_000_000, blockCache.hits(), blockCache.misses(), blockCache.usedBytes(),
                    tableCache.openTables(), compactionStats.compactions(), compactionStats.compactionBytesRead(),
                    compactionStats.compactionBytesWritten(), compactionStats.writeAmplification(),
                    stalls.pendingCompactionBytes(), stalls.decision().reason(),
                    compactionStats.table(s.version(), picker.scores(shape.envLocked())), pointReader.tableReads(),
                    pointReader.tableReadMisses(), stalls.summaryLocked(), s.version().flushedRevision(),
                    recoveryRevision(s.version()), shape.history().keepsHistory()
                            ? shape.historyHorizonLocked(s.version()) : visible,
                    s.version().commitPoints().size(), s.version().rolledBack().size(),
                    compactionStats.flushMillis(), compactionStats.compactionMillis());
        }
    }

    private static long recoveryRevision(Version v) {
        CommitPoint p = v.recoveryPoint();
        return p == null ? -1 : p.revision();
    }
}
