package dev.sediment.store.revision;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The revisions of open snapshots, each with how many snapshots pin it: the boundaries compaction must
 * keep readable. Not thread-safe: the engine's state lock guards it, so a compaction reads the
 * boundaries and a new snapshot registers in one order.
 */
public final class SnapshotList {
    private final TreeMap<Long, Integer> open = new TreeMap<>();

    public void add(long revision) {
        open.merge(revision, 1, Integer::sum);
    }

    public void remove(long revision) {
        open.computeIfPresent(revision, (k, n) -> n == 1 ? null : n - 1);
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }

    /** The distinct pinned revisions, ascending. */
    public List<Long> revisions() {
        return new ArrayList<>(open.keySet());
    }
}
