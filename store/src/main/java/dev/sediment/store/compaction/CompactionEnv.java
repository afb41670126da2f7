package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the {@link CompactionPicker} may look at: an immutable snapshot taken by the engine
 * under its lock. The picker reads nothing else (no clock, no files), so a pick is a pure function of
 * this record and can be table-tested.
 *
 * <p>Shape, checked on construction (an {@link IllegalArgumentException} names the offending file):
 * <ul>
 *   <li>{@code levels.get(0)} is L0, newest first: {@code maxRevision} non-increasing.</li>
 *   <li>Every level {@code n >= 1} is sorted by smallest user key and its files do not overlap, except
 *       that neighbours may share a boundary user key ({@code prev.largest <= next.smallest}).</li>
 *   <li>At least two levels (L0 and one more); the last list is the bottom level.</li>
 * </ul>
 *
 * @param levels          the live files per level, as in the current version
 * @param compactingFiles file numbers that are inputs of running compactions
 * @param runningOutputs  the output range of every running compaction
 * @param markedFiles     file numbers marked for compaction (dense in tombstones or rolled-back revisions)
 * @param options         the tuning
 * @param l0Weights       how many L0 tables each intra-L0 output stands for, by file number (absent: 1; 0 for
 *                        all but one table of a split ingest, which together are one); see {@link #l0Weight}
 */
public record CompactionEnv(List<List<FileMetadata>> levels, Set<Long> compactingFiles,
                            List<KeyRangeOfRunningOutput> runningOutputs, Set<Long> markedFiles,
                            CompactionOptions options, Map<Long, Integer> l0Weights) {
    /** An env where every L0 table counts as one. */
    public CompactionEnv(List<List<FileMetadata>> levels, Set<Long> compactingFiles,
                         List<KeyRangeOfRunningOutput> runningOutputs, Set<Long> markedFiles,
                         CompactionOptions options) {
        this(levels, compactingFiles, runningOutputs, markedFiles, options, Map.of());
    }

    public CompactionEnv {
        if (levels.size() < 2) {
            throw new IllegalArgumentException("need at least 2 levels, got " + levels.size());
        }
        List<List<FileMetadata>> copy = new ArrayList<>(levels.size());
        for (List<FileMetadata> level : levels) {
            copy.add(List.copyOf(level));
        }
        levels = List.copyOf(copy);
        compactingFiles = Set.copyOf(compactingFiles);
        runningOutputs = List.copyOf(runningOutputs);
        markedFiles = Set.copyOf(markedFiles);
        l0Weights = Map.copyOf(l0Weights);
        if (options == null) {
            throw new NullPointerException("options");
        }
        checkShape(levels);
    }

    /** An env with no running compactions and no marked files. */
    public static CompactionEnv of(List<List<FileMetadata>> levels, CompactionOptions options) {
        return new CompactionEnv(levels, Set.of(), List.of(), Set.of(), options);
    }

    public int numLevels() {
        return levels.size();
    }

    public List<FileMetadata> level(int level) {
        return levels.get(level);
    }

    public boolean isCompacting(FileMetadata f) {
        return compactingFiles.contains(f.fileNumber());
    }

    /**
     * How many L0 tables {@code f} counts as for L0's file score: the tables an intra-L0 merge folded into it,
     * 0 for a table an ingest cut from the same sorted batch as another (the pair counts once), else 1. So a merge that keeps L0's file count below the slowdown trigger does not also hide L0 from its
     * compaction trigger: L0 still drains into the base level as if the merged tables were there.
     */
    public int l0Weight(FileMetadata f) {
        return l0Weights.getOrDefault(f.fileNumber(), 1);
    }

    /** L0's tables, each counted by its {@link #l0Weight}; {@code compacting}: also those being compacted. */
    public int l0WeightedFiles(boolean compacting) {
        int n = 0;
        for (FileMetadata f : level(0)) {
            if (compacting || !isCompacting(f)) {
                n += l0Weight(f);
            }
        }
        return n;
    }

    /** Bytes of every file of each level, compacting or not. */
    public long[] levelBytes() {
        long[] bytes = new long[levels.size()];
        for (int level = 0; level < bytes.length; level++) {
            bytes[level] = LevelFiles.totalBytes(levels.get(level));
        }
        return bytes;
    }

    private static void checkShape(List<List<FileMetadata>> levels) {
        for (int level = 0; level < levels.size(); level++) {
            List<FileMetadata> files = levels.get(level);
            for (int i = 0; i < files.size(); i++) {
                FileMetadata f = files.get(i);
                if (InternalKeys.compareUserKeys(f.smallestKey(), f.largestKey()) > 0) {
                    throw new IllegalArgumentException("L" + level + " file " + f.fileNumber()
                            + ": smallest key after largest key");
                }
                if (i == 0) {
                    continue;
                }
                FileMetadata prev = files.get(i - 1);
                if (level == 0) {
                    if (prev.maxRevision() < f.maxRevision()) {
                        throw new IllegalArgumentException("L0 file " + f.fileNumber()
                                + " is newer than file " + prev.fileNumber() + " listed before it");
                    }
                } else if (InternalKeys.compareUserKeys(prev.largestKey(), f.smallestKey()) > 0) {
                    throw new IllegalArgumentException("L" + level + " file " + f.fileNumber()
                            + " overlaps or precedes file " + prev.fileNumber());
                }
            }
        }
    }
}
