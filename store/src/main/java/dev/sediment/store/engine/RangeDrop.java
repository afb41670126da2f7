package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the tables {@link dev.sediment.store.Store#dropRange} removes: those whose every key lies in the range
 * (RocksDB's {@code DeleteFilesInRange}). Pure: sees only the version it is given.
 */
final class RangeDrop {
    /** A table and the level it is on. */
    record LevelFile(int level, FileMetadata file) {
    }

    private RangeDrop() {
    }

    /** The tables of {@code v} wholly inside {@code range}, every level. */
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
