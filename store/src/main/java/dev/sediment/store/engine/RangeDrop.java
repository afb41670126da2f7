package dev.sediment.store.engine;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link dev.sediment.store.Store#dropRange}: removes the tables whose every key lies in the range (RocksDB's
 * {@code DeleteFilesInRange}) with one version edit. Excludes compaction for its short run (a compaction's
 * inputs must not vanish under it) and gives up instead of waiting for one.
 */
final class RangeDrop {
    /** A table and the level it is on. */
    record LevelFile(int level, FileMetadata file) {
    }

    private RangeDrop() {
    }

    /**
     * Drops the tables wholly in {@code range}, unless a compaction holds {@code compactionLock}. Only compactions
     * and this remove tables, so those picked are still there when the edit is logged.
     */
    static DroppedTables drop(EngineState state, VersionInstaller installer, ReentrantLock compactionLock, KeyRange range) {
        if (!compactionLock.tryLock()) {
            return DroppedTables.NONE; // a compaction may be rewriting those tables; the caller calls again
        }
        try {
            List<LevelFile> dropped = wholeTables(state.readState.version(), range);
            if (dropped.isEmpty()) {
                return DroppedTables.NONE;
            }
            VersionEdit.Builder edit = VersionEdit.builder();
            long bytes = 0;
            for (LevelFile f : dropped) {
                edit.deleteFile(f.level(), f.file().fileNumber());
                bytes += f.file().sizeBytes();
            }
            installer.install(edit.build(), true, "tables dropped in " + range, VersionInstaller.SAME_MEMTABLES);
            return new DroppedTables(dropped.size(), bytes);
        } finally {
            compactionLock.unlock();
        }
    }

    /** The tables of {@code v} wholly inside {@code range}, every level. Pure. */
    static List<LevelFile> wholeTables(Version v, KeyRange range) {
        List<LevelFile> out = new ArrayList<>();
        if (range.isEmpty()) {
            return out;
        }
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                // A range is an interval: holding a table's first and last keys, it holds all of them.
                if (range.contains(f.smallestKey()) && range.contains(f.largestKey())) {
                    out.add(new LevelFile(level, f));
                }
            }
        }
        return out;
    }
}
