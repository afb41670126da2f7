package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.ArrayList;
import java.util.List;
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
 */
public record CompactionEnv(List<List<FileMetadata>> levels, Set<Long> compactingFiles,
                            List<KeyRangeOfRunningOutput> runningOutputs, Set<Long> markedFiles,
                            CompactionOptions options) {
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
