package dev.sediment.store.compaction;

import dev.sediment.store.CompactionFilter;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.RevisionRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The MVCC drop rules of compaction (design §4 "What compaction may drop"): wraps the merged
 * inputs of a compaction and yields, in internal-key order, exactly the entries to write.
 *
 * <h2>Boundaries and stripes</h2>
 * The engine passes the <em>boundaries</em>: the revision of every open snapshot, the recovery
 * point and the trim horizon (any order, duplicates allowed). A reader at boundary {@code b} sees,
 * for each user key, the newest version with revision {@code <= b}; the latest reader is the
 * implicit boundary {@code +∞}. Sorted as {@code b_0 < b_1 < ... < b_(k-1)}, they cut revisions into
 * <em>stripes</em>: stripe 0 is {@code [1, b_0]}, stripe {@code i} is {@code (b_(i-1), b_i]}, and
 * stripe {@code k} is {@code (b_(k-1), +∞)}. Every reader sees, per key, either nothing or the newest
 * version of some stripe, so everything else may go. (Readers below {@code b_0} cannot exist: the
 * engine makes the oldest snapshot, recovery point or trim horizon the smallest boundary.)
 *
 * <h2>Rules, per user key, newest version first</h2>
 * <ol>
 *   <li><b>Rolled back</b>: an entry whose revision lies in a rolled-back range is dropped, always.
 *       Readers skip those revisions too, so it is as if the entry never existed; it does not count
 *       as a version for the rules below.</li>
 *   <li><b>Superseded</b>: an entry in the same stripe as a newer (not rolled-back) version of its key
 *       is dropped: no reader can see it.</li>
 *   <li><b>Tombstone</b>: a DELETE that is the newest version of its key in stripe 0 is dropped when
 *       {@code bottommost} (no older version of any input key can exist below the output level).
 *       Every reader at or above {@code b_0} sees it or something newer; those that see it see
 *       "absent", and they still do after it is gone because its older versions in stripe 0 go with it
 *       (rule 2) and nothing older lies below. Without {@code bottommost} it is kept, since it hides
 *       versions in lower levels. A tombstone in a higher stripe is always kept.</li>
 *   <li><b>History</b>: with a history horizon {@code h} (retained history, design §5 invariant 7),
 *       every version above {@code h} is written: readers may ask for any revision at or above
 *       {@code h}. The engine makes {@code h} a boundary too, so the newest version at or below it
 *       is kept by rule 2.</li>
 *   <li>Everything else is written.</li>
 * </ol>
 * With no boundaries at all, the only stripe is stripe 0 = everything, and the latest reader is the
 * only reader.
 *
 * <h2>Worked example</h2>
 * Boundaries {10, 20}, rolled back [25, 27], bottommost: stripes [1,10], (10,20], (20,+∞).
 * <pre>
 *   entry      stripe    decision
 *   k#30,PUT   (20,∞)    keep: newest of its stripe (the latest reader sees it)
 *   k#26,PUT   -         drop: rolled back
 *   k#22,DEL   (20,∞)    drop: superseded by k#30
 *   k#18,PUT   (10,20]   keep: the reader at 20 sees it
 *   k#15,PUT   (10,20]   drop: superseded by k#18
 *   k#9,DEL    [1,10]    drop: tombstone, newest of stripe 0, bottommost (the reader at 10 sees "absent")
 *   k#5,PUT    [1,10]    drop: superseded by k#9
 * </pre>
 * Not bottommost, k#9,DEL is kept (a k#3 may exist below the output level) and k#5 is still dropped.
 *
 * <p>Usage: {@link #seekToFirst()}, then while {@link #valid()} write
 * {@link #userKey()}/{@link #trailer()}/{@link #value()} and call {@link #next()}. Forward only. The
 * caller owns and closes the input. Not thread-safe. The per-entry path allocates nothing.
 */
public final class CompactionIterator {
    private final InternalIterator input;
    private final long[] boundaries;
    private final long[] rolledBackFrom;
    private final long[] rolledBackTo;
    private final boolean bottommost;
    private final long historyFrom;
    private final CompactionFilter.Run filter;

    /** The user key of the current run of versions, and the stripe of its newest counted version. */
    private byte[] runKey;
    private int runStripe;
    /** Whether the current user key's newest version was offered to the filter, and dropped by it. */
    private boolean runOffered;
    private boolean runFiltered;
    /** For the REQUIRES check that the input is in internal-key order. */
    private byte[] prevKey;
    private long prevTrailer;

    private long entriesIn;
    private long entriesOut;
    private long droppedSuperseded;
    private long droppedTombstones;
    private long droppedRolledBack;
    private long droppedFiltered;

    /**
     * @param input      the merged compaction inputs in internal-key order (REQUIRES: every version
     *                   of a user key in the inputs, newest first, as the merging iterator yields them)
     * @param boundaries revisions of open snapshots, the recovery point and the trim horizon
     * @param rolledBack revision ranges rolled back after a crash
     * @param bottommost whether no older version of any input key can exist below the output level
     */
    public CompactionIterator(InternalIterator input, long[] boundaries, List<RevisionRange> rolledBack,
                              boolean bottommost) {
        this(input, boundaries, rolledBack, bottommost, Long.MAX_VALUE);
    }

    /**
     * As above, keeping every version above {@code historyFrom} ({@link Long#MAX_VALUE}: no history).
     * REQUIRES: {@code historyFrom} is one of the boundaries unless it is {@link Long#MAX_VALUE}.
     */
    public CompactionIterator(InternalIterator input, long[] boundaries, List<RevisionRange> rolledBack,
                              boolean bottommost, long historyFrom) {
        this(input, boundaries, rolledBack, bottommost, historyFrom, null);
    }

    /**
     * As above, also dropping every version of a user key whose newest version (a PUT) {@code filter}
     * drops; null for none.
     */
    public CompactionIterator(InternalIterator input, long[] boundaries, List<RevisionRange> rolledBack,
                              boolean bottommost, long historyFrom, CompactionFilter.Run filter) {
        this.input = input;
        this.filter = filter;
        this.historyFrom = historyFrom;
        this.boundaries = sortedUnique(boundaries);
        this.bottommost = bottommost;
        List<RevisionRange> ranges = new ArrayList<>(rolledBack);
        ranges.sort(Comparator.comparingLong(RevisionRange::from));
        long[] from = new long[ranges.size()];
        long[] to = new long[ranges.size()];
        int n = 0;
        for (RevisionRange r : ranges) {
            if (n > 0 && r.from() <= to[n - 1] + 1) {
                to[n - 1] = Math.max(to[n - 1], r.to());
            } else {
                from[n] = r.from();
                to[n] = r.to();
                n++;
            }
        }
        this.rolledBackFrom = Arrays.copyOf(from, n);
        this.rolledBackTo = Arrays.copyOf(to, n);
    }

    private static long[] sortedUnique(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (long v : sorted) {
            if (n == 0 || sorted[n - 1] != v) {
                sorted[n++] = v;
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** Positions the input at its first entry and this iterator at the first entry to write. */
    public void seekToFirst() {
        runKey = null;
        prevKey = null;
        input.seekToFirst();
        skipDropped();
    }

    public boolean valid() {
        return input.valid();
    }

    /** REQUIRES: {@link #valid()}. */
    public void next() {
        input.next();
        skipDropped();
    }

    /** REQUIRES: {@link #valid()}. */
    public byte[] userKey() {
        return input.userKey();
    }

    /** REQUIRES: {@link #valid()}. */
    public long trailer() {
        return input.trailer();
    }

    /** REQUIRES: {@link #valid()}. */
    public byte[] value() {
        return input.value();
    }

    /** The value in place: see {@link InternalIterator#valueArray()}. REQUIRES: {@link #valid()}. */
    public byte[] valueArray() {
        return input.valueArray();
    }

    /** REQUIRES: {@link #valid()}. */
    public int valueOffset() {
        return input.valueOffset();
    }

    /** REQUIRES: {@link #valid()}. */
    public int valueLength() {
        return input.valueLength();
    }

    /** Advances the input past every dropped entry; stops on an entry to write, or at the end. */
    private void skipDropped() {
        while (input.valid()) {
            byte[] key = input.userKey();
            long trailer = input.trailer();
            assert inOrder(key, trailer);
            entriesIn++;
            if (runKey == null || !Arrays.equals(runKey, key)) {
                runKey = key;
                runStripe = -1;
                runOffered = false;
                runFiltered = false;
            }
            long revision = InternalKeys.revision(trailer);
            if (isRolledBack(revision)) {
                droppedRolledBack++;
            } else if (filtered(key, trailer)) {
                droppedFiltered++;
            } else if (revision > historyFrom) {
                runStripe = -1; // each retained revision is its own stripe: never equal to a real one
                entriesOut++;
                return;
            } else {
                int stripe = stripeOf(revision);
                if (stripe == runStripe) {
                    // Revisions descend within a key, so a version of this stripe was already seen.
                    droppedSuperseded++;
                } else {
                    runStripe = stripe;
                    if (stripe == 0 && bottommost && InternalKeys.isDelete(trailer)) {
                        droppedTombstones++;
                    } else {
                        entriesOut++;
                        return;
                    }
                }
            }
            input.next();
        }
    }

    /** Offers the newest (not rolled back) version of a user key to the filter; true while its key is dropped. */
    private boolean filtered(byte[] key, long trailer) {
        if (filter != null && !runOffered) {
            runOffered = true;
            runFiltered = !InternalKeys.isDelete(trailer) && filter.drop(key, input.value());
        }
        return runFiltered;
    }

    private boolean inOrder(byte[] key, long trailer) {
        if (prevKey != null && InternalKeys.compare(prevKey, prevTrailer, key, trailer) >= 0) {
            throw new IllegalStateException("input out of order: " + InternalKeys.toDebugString(key, trailer)
                    + " after " + InternalKeys.toDebugString(prevKey, prevTrailer));
        }
        prevKey = key;
        prevTrailer = trailer;
        return true;
    }

    /** The index of the first boundary {@code >= revision}; {@code boundaries.length} for the top stripe. */
    private int stripeOf(long revision) {
        int lo = 0;
        int hi = boundaries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (boundaries[mid] < revision) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean isRolledBack(long revision) {
        // The last range starting at or before the revision is the only one that can hold it.
        int lo = 0;
        int hi = rolledBackFrom.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (rolledBackFrom[mid] <= revision) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo > 0 && revision <= rolledBackTo[lo - 1];
    }

    public long entriesIn() {
        return entriesIn;
    }

    public long entriesOut() {
        return entriesOut;
    }

    public long droppedSuperseded() {
        return droppedSuperseded;
    }

    public long droppedTombstones() {
        return droppedTombstones;
    }

    public long droppedRolledBack() {
        return droppedRolledBack;
    }

    /** Entries dropped because the {@link CompactionFilter} dropped their key. */
    public long droppedFiltered() {
        return droppedFiltered;
    }

    @Override
    public String toString() {
        return "in=" + entriesIn + " out=" + entriesOut + " superseded=" + droppedSuperseded
                + " tombstones=" + droppedTombstones + " rolled-back=" + droppedRolledBack
                + (filter == null ? "" : " filtered=" + droppedFiltered);
    }
}
