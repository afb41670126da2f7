package dev.sediment.store.manifest;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A version's bounded commit points (see {@link Version#commitPoints()}) in a form a commit appends to
 * in O(1): the kept point at or below the flushed revision (if any), then a window of the points above
 * it in an append-only array shared by the lists made from one another. Appending to the newest list
 * writes the next slot, which no older list can see (their windows end before it); appending to an
 * older list copies its window into a new array, twice its size, so copies are amortised.
 *
 * <p>Immutable for its readers; {@link #appendAbove} is safe from any thread (the shared array's
 * fill mark is taken under its lock).
 */
final class CommitPointList extends AbstractList<CommitPoint> implements RandomAccess {
    /** The shared array; slots before {@code filled} are written once and never change. */
    private static final class Slots {
        final CommitPoint[] points;
        int filled; // guarded by this

        Slots(int capacity) {
            points = new CommitPoint[capacity];
        }
    }

    /** The flushed revision this list was split at. */
    private final long flushed;
    private final CommitPoint kept;
    private final Slots slots;
    private final int from;
    private final int to;

    private CommitPointList(long flushed, CommitPoint kept, Slots slots, int from, int to) {
        this.flushed = flushed;
        this.kept = kept;
        this.slots = slots;
        this.from = from;
        this.to = to;
    }

    /**
     * {@code VersionBuilder.bound(points + c, flushed)}, for {@code points} already bounded at
     * {@code flushed} and {@code c} above it. O(1) amortised when {@code points} came from here with
     * the same flushed revision. Null if {@code points} is not one kept point followed by points above
     * {@code flushed} (then the caller takes the general path).
     */
    static List<CommitPoint> appendAbove(List<CommitPoint> points, CommitPoint c, long flushed, int maxAbove) {
        CommitPointList list = points instanceof CommitPointList l && l.flushed == flushed ? l : split(points, flushed);
        return list == null ? null : list.append(c, maxAbove);
    }

    private static CommitPointList split(List<CommitPoint> points, long flushed) {
        CommitPoint kept = null;
        Slots slots = new Slots(Math.max(16, 2 * points.size()));
        int n = 0;
        for (CommitPoint p : points) {
            if (p.revision() <= flushed) {
                if (kept != null || n > 0) {
                    return null; // not the shape bound() gives in log order of growing revisions
                }
                kept = p;
            } else {
                slots.points[n++] = p;
            }
        }
        slots.filled = n;
        return new CommitPointList(flushed, kept, slots, 0, n);
    }

    private CommitPointList append(CommitPoint c, int maxAbove) {
        int newFrom = to - from + 1 > maxAbove ? from + 1 : from;
        synchronized (slots) {
            if (slots.filled == to && to < slots.points.length) {
                slots.points[to] = c;
                slots.filled = to + 1;
                return new CommitPointList(flushed, kept, slots, newFrom, to + 1);
            }
        }
        int n = to - newFrom;
        Slots copy = new Slots(Math.max(16, 2 * (n + 1)));
        System.arraycopy(slots.points, newFrom, copy.points, 0, n);
        copy.points[n] = c;
        copy.filled = n + 1;
        return new CommitPointList(flushed, kept, copy, 0, n + 1);
    }

    @Override
    public CommitPoint get(int index) {
        int base = kept == null ? 0 : 1;
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size());
        }
        return index < base ? kept : slots.points[from + index - base];
    }

    @Override
    public int size() {
        return (kept == null ? 0 : 1) + to - from;
    }
}
