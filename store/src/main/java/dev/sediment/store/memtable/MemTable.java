package dev.sediment.store.memtable;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-memory sorted buffer of recent writes, ordered by internal key.
 *
 * <p>Thread safety: one writer ({@link #add}, serialized by the engine's write lock) and any number
 * of concurrent readers ({@link #get}, iterators, the flush job). Readers filter by revision, so an
 * entry added after a reader's snapshot is ignored even if the reader's traversal meets it.
 *
 * <p>Invariants: entries are never removed or changed once added; revisions added are strictly
 * increasing, so {@link #minRevision()}..{@link #maxRevision()} is the table's revision range.
 */
public final class MemTable {
    /**
     * Bytes charged per entry on top of key and value: skip-list node and index levels, the key
     * object, two array headers. Measured roughly; the budget is about memory, so err high.
     */
    static final int ENTRY_OVERHEAD_BYTES = 96;

    private final ConcurrentSkipListMap<MemKey, byte[]> map = new ConcurrentSkipListMap<>();
    private volatile long approximateBytes;
    private volatile long entries;
    private volatile long minRevision = Long.MAX_VALUE;
    private volatile long maxRevision;
    /** The last {@link #liveKeyDelta()}, valid while {@link #entries} has not moved since. */
    private volatile long[] liveKeyDeltaAt = {-1, 0};

    /** Adds an entry. REQUIRES: called by the single writer; revision larger than any added before. */
    public void add(byte[] userKey, long trailer, byte[] value) {
        map.put(new MemKey(userKey, trailer), value);
        long revision = InternalKeys.revision(trailer);
        if (revision < minRevision) {
            minRevision = revision;
        }
        maxRevision = revision;
        entries = entries + 1;
        approximateBytes = approximateBytes + userKey.length + value.length + ENTRY_OVERHEAD_BYTES;
    }

    /**
     * The newest entry of {@code userKey} with revision {@code <= snapshotRevision}, or null.
     * The result's value is the stored array (never modified).
     */
    public Lookup get(byte[] userKey, long snapshotRevision) {
        Map.Entry<MemKey, byte[]> e = map.ceilingEntry(new MemKey(userKey, InternalKeys.seekTrailer(snapshotRevision)));
        if (e == null || InternalKeys.compareUserKeys(e.getKey().userKey(), userKey) != 0) {
            return null;
        }
        return new Lookup(e.getKey().trailer(), e.getValue());
    }

    /** A found entry: its trailer (revision and kind) and value. */
    public record Lookup(long trailer, byte[] value) {
        public boolean isDelete() {
            return InternalKeys.isDelete(trailer);
        }
    }

    public InternalIterator iterator() {
        return new MemTableIterator(map);
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    public long approximateBytes() {
        return approximateBytes;
    }

    public long entries() {
        return entries;
    }

    /**
     * This memtable's estimated contribution to the store's live key count, by each user key's entries
     * here (newest first): newest a put, +1 (overwrites within the memtable count once); newest a delete
     * with no put of the key here, -1 (it deletes a key of an older table); a delete after a put here, 0.
     * Overwrites of keys in older tables are not seen. O(entries) on first call after a write, then cached
     * (a frozen memtable computes it once).
     */
    public long liveKeyDelta() {
        long n = entries;
        long[] cached = liveKeyDeltaAt;
        if (cached[0] == n) {
            return cached[1];
        }
        long delta = 0;
        byte[] current = null;
        boolean newestIsDelete = false;
        boolean sawPut = false;
        for (MemKey k : map.keySet()) {
            if (current == null || InternalKeys.compareUserKeys(current, k.userKey()) != 0) {
                delta += contribution(current, newestIsDelete, sawPut);
                current = k.userKey();
                newestIsDelete = InternalKeys.isDelete(k.trailer());
                sawPut = false;
            } else if (!InternalKeys.isDelete(k.trailer())) {
                sawPut = true;
            }
        }
        delta += contribution(current, newestIsDelete, sawPut);
        liveKeyDeltaAt = new long[] {n, delta};
        return delta;
    }

    private static long contribution(byte[] key, boolean newestIsDelete, boolean olderPut) {
        if (key == null) {
            return 0;
        }
        return newestIsDelete ? (olderPut ? 0 : -1) : 1;
    }

    /** Smallest revision added, or Long.MAX_VALUE if empty. */
    public long minRevision() {
        return minRevision;
    }

    /** Largest revision added, or 0 if empty. */
    public long maxRevision() {
        return maxRevision;
    }
}
