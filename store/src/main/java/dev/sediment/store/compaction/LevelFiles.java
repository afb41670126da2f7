package dev.sediment.store.compaction;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.List;
import java.util.Set;

/**
 * Key-range queries over the files of one level. A "sorted level" (L1+) is sorted by smallest key
 * and its files do not overlap, except that adjacent files may share a boundary user key (a key whose
 * versions were split across two files; compactions must then take both, see {@link #cleanCut}).
 * Ranges are inclusive user-key ranges; a null bound is unbounded.
 */
final class LevelFiles {
    private LevelFiles() {
    }

    static long totalBytes(List<FileMetadata> files) {
        long sum = 0;
        for (FileMetadata f : files) {
            sum += f.sizeBytes();
        }
        return sum;
    }

    static boolean overlaps(FileMetadata f, byte[] lo, byte[] hi) {
        return (hi == null || InternalKeys.compareUserKeys(f.smallestKey(), hi) <= 0)
                && (lo == null || InternalKeys.compareUserKeys(f.largestKey(), lo) >= 0);
    }

    static boolean anyCompacting(List<FileMetadata> files, Set<Long> compacting) {
        for (FileMetadata f : files) {
            if (compacting.contains(f.fileNumber())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index range {@code [from, to)} of the files of a sorted level that overlap {@code [lo, hi]};
     * {@code from == to} when none does.
     */
    static int[] overlapping(List<FileMetadata> sortedLevel, byte[] lo, byte[] hi) {
        int from = 0;
        if (lo != null) {
            // First file whose largest key is >= lo.
            int left = 0;
            int right = sortedLevel.size();
            while (left < right) {
                int mid = (left + right) >>> 1;
                if (InternalKeys.compareUserKeys(sortedLevel.get(mid).largestKey(), lo) < 0) {
                    left = mid + 1;
                } else {
                    right = mid;
                }
            }
            from = left;
        }
        int to = from;
        while (to < sortedLevel.size() && (hi == null
                || InternalKeys.compareUserKeys(sortedLevel.get(to).smallestKey(), hi) <= 0)) {
            to++;
        }
        return new int[] {from, to};
    }

    /**
     * Widens {@code [from, to)} of a sorted level until no user key straddles its edges: a neighbour
     * whose boundary user key equals the range's edge key holds versions of the same user key and
     * must come along. Returns the widened range (the argument is not modified).
     */
    static int[] cleanCut(List<FileMetadata> sortedLevel, int from, int to) {
        if (from == to) {
            return new int[] {from, to};
        }
        while (from > 0 && InternalKeys.compareUserKeys(sortedLevel.get(from - 1).largestKey(),
                sortedLevel.get(from).smallestKey()) == 0) {
            from--;
        }
        while (to < sortedLevel.size() && InternalKeys.compareUserKeys(sortedLevel.get(to - 1).largestKey(),
                sortedLevel.get(to).smallestKey()) == 0) {
            to++;
        }
        return new int[] {from, to};
    }

    /** Bytes of the files of a sorted level that overlap {@code [lo, hi]}. */
    static long overlappingBytes(List<FileMetadata> sortedLevel, byte[] lo, byte[] hi) {
        int[] r = overlapping(sortedLevel, lo, hi);
        return totalBytes(sortedLevel.subList(r[0], r[1]));
    }

    static byte[] minKey(byte[] a, byte[] b) {
        return InternalKeys.compareUserKeys(a, b) <= 0 ? a : b;
    }

    static byte[] maxKey(byte[] a, byte[] b) {
        return InternalKeys.compareUserKeys(a, b) >= 0 ? a : b;
    }
}
