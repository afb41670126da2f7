package dev.sediment.store.engine;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link dev.sediment.store.Store#dropRange}: removes the tables whose every key lies in the range (RocksDB's
 * {@code DeleteFilesInRange}) with one version edit. Runs beside compactions rather than between them: the
 * background loop holds the compaction lock for as long as it finds work, so a drop that waited for it (or
 * gave up on it) could be put off for as long as the tree stays busy, and the tables it failed to drop keep
 * it busy. Instead it skips the tables a running compaction reads (they come back as its outputs, cut at
 * the range's prefixes, for a later call) and marks the ones it takes so no compaction picks them meanwhile.
 */
final class RangeDrop {
    /** A table and the level it is on. */
    record LevelFile(int level, FileMetadata file) {
    }

    private RangeDrop() {
    }

    /**
     * Drops the tables wholly in {@code range} that no compaction is reading. Only compactions and this
     * remove tables, and both skip busy ones, so those chosen are still there when the edit is logged.
     */
    static DroppedTables drop(EngineState state, VersionInstaller installer, TreeShape shape, KeyRange range) {
        List<LevelFile> dropped = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        synchronized (state.stateLock) {
            Set<Long> busy = shape.busyTablesLocked();
            for (LevelFile f : wholeTables(state.readState.version(), range)) {
                if (!busy.contains(f.file().fileNumber())) {
                    dropped.add(f);
                    numbers.add(f.file().fileNumber());
                }
            }
            if (dropped.isEmpty()) {
                return DroppedTables.NONE;
            }
            shape.dropStartedLocked(numbers);
        }
        try {
            VersionEdit.Builder edit = VersionEdit.builder();
            long bytes = 0;
            for (LevelFile f : dropped) {
                edit.deleteFile(f.level(), f.file().fileNumber());
                bytes += f.file().sizeBytes();
            }
            installer.install(edit.build(), true, "tables dropped in " + range, VersionInstaller.SAME_MEMTABLES);
            return new DroppedTables(dropped.size(), bytes);
        } finally {
            synchronized (state.stateLock) {
                shape.dropEndedLocked(numbers);
            }
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
