package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.Arrays;
import java.util.List;

/**
 * Decides where a compaction (or subcompaction) cuts its output into files. Pure: it sees only the
 * keys and sizes it is told about.
 *
 * <p>The current output is finished before an entry when that entry starts a new user key and
 * <ul>
 *   <li>the current output has reached {@code targetFileSizeBytes}, or</li>
 *   <li>taking the entry would add grandparent files to the output's overlap and bring it over
 *       {@code maxGrandparentOverlapBytes} (the grandparents are the files of the level below the
 *       output; a file overlapping too many of them makes its own later compaction too large).</li>
 *   <li>the entry's first {@code cutPrefixBytes} bytes differ from the previous key's (a key shorter
 *       than that counts as its whole self), so no output holds two segments of a time-segmented store.</li>
 * </ul>
 * An output's grandparent overlap is the bytes of the grandparent files whose range intersects
 * {@code [first key of the output, last key so far]}. A single grandparent file larger than the
 * limit does not cause a cut by itself (no key could avoid it); the next file reached does.
 *
 * <p>Invariant: never cuts between two versions of one user key, so no user key is split across two
 * files of the output level.
 *
 * <p>Usage: call {@link #shouldSplitBefore} for every entry, in order, before writing it; on true,
 * finish the current file and write the entry into a new one. Not thread-safe.
 */
public final class OutputSplitter {
    private final List<FileMetadata> grandparents;
    private final long targetFileSizeBytes;
    private final long maxGrandparentOverlapBytes;
    private final int cutPrefixBytes;

    private byte[] lastKey;
    /** Grandparents {@code [firstOverlap, endOverlap)} intersect the current output's key range. */
    private int firstOverlap;
    private int endOverlap;
    private long overlapBytes;

    /**
     * @param grandparents files of the level below the output level, sorted by key, non-overlapping
     *                     (from {@link PickedCompaction#grandparents()})
     */
    public OutputSplitter(List<FileMetadata> grandparents, long targetFileSizeBytes, long maxGrandparentOverlapBytes) {
        this(grandparents, targetFileSizeBytes, maxGrandparentOverlapBytes, 0);
    }

    /** As above, also cutting where the first {@code cutPrefixBytes} bytes of the keys change (0: never). */
    public OutputSplitter(List<FileMetadata> grandparents, long targetFileSizeBytes, long maxGrandparentOverlapBytes,
                          int cutPrefixBytes) {
        this.cutPrefixBytes = cutPrefixBytes;
        if (targetFileSizeBytes <= 0 || maxGrandparentOverlapBytes <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        this.grandparents = List.copyOf(grandparents);
        this.targetFileSizeBytes = targetFileSizeBytes;
        this.maxGrandparentOverlapBytes = maxGrandparentOverlapBytes;
    }

    public static OutputSplitter forCompaction(PickedCompaction compaction, CompactionOptions options) {
        return new OutputSplitter(compaction.grandparents(), options.targetFileSizeBytes(),
                options.maxGrandparentOverlapBytes(), options.cutPrefixBytes());
    }

    /**
     * Whether to finish the current output before the entry with {@code userKey}.
     *
     * @param userKey          the next entry's user key (REQUIRES: keys arrive in ascending order)
     * @param currentFileBytes bytes written to the current output so far (an estimate is fine)
     */
    public boolean shouldSplitBefore(byte[] userKey, long currentFileBytes) {
        if (lastKey != null && Arrays.equals(lastKey, userKey)) {
            return false;
        }
        boolean first = lastKey == null;
        boolean newPrefix = !first && cutPrefixBytes > 0 && !samePrefix(lastKey, userKey, cutPrefixBytes);
        lastKey = userKey;
        int newEnd = endOverlap;
        long added = 0;
        while (newEnd < grandparents.size()
                && InternalKeys.compareUserKeys(grandparents.get(newEnd).smallestKey(), userKey) <= 0) {
            added += grandparents.get(newEnd).sizeBytes();
            newEnd++;
        }
        endOverlap = newEnd;
        boolean split = !first && (newPrefix || currentFileBytes >= targetFileSizeBytes
                || (added > 0 && overlapBytes + added > maxGrandparentOverlapBytes));
        if (first || split) {
            // A new output starts at userKey: it overlaps the grandparents that end at or after it.
            while (firstOverlap < newEnd
                    && InternalKeys.compareUserKeys(grandparents.get(firstOverlap).largestKey(), userKey) < 0) {
                firstOverlap++;
            }
            overlapBytes = 0;
            for (int i = firstOverlap; i < newEnd; i++) {
                overlapBytes += grandparents.get(i).sizeBytes();
            }
        } else {
            overlapBytes += added;
        }
        return split;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int n) {
        int la = Math.min(a.length, n);
        int lb = Math.min(b.length, n);
        return Arrays.equals(a, 0, la, b, 0, lb);
    }

    /** The grandparent bytes the current output overlaps so far. */
    public long overlapBytes() {
        return overlapBytes;
    }
}
