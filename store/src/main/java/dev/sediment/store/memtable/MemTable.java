package dev.sediment.store.memtable;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyHash;

/**
 * The in-memory sorted buffer of recent writes, ordered by internal key: an {@link ArenaSkipList}, so a
 * put copies its bytes into large arrays and allocates nothing of its own.
 *
 * <p>Thread safety: one writer ({@link #add}, serialized by the engine's write lock) and any number
 * of concurrent readers ({@link #get}, iterators, the flush job), which take no lock. Readers filter by
 * revision, so an entry added after a reader's snapshot is ignored even if the reader's traversal meets it.
 *
 * <p>Invariants: entries are never removed or changed once added; revisions are unique and each write's
 * are above every earlier write's (a batch's own entries may come in key order, not revision order), so
 * {@link #minRevision()}..{@link #maxRevision()} is the table's revision range.
 * {@link #approximateBytes()} is every byte the arenas allocated but the unused tail of their newest
 * chunks, plus the key filter's share in proportion to how full the memtable is (at most 1/16 of the memtable's size each, so the budget sees a put's cost as it happens,
 * not a chunk at a time).
 */
public final class MemTable {
    /** Arena chunks grow to this fraction of the memtable's size (between 4 KiB and 1 MiB). */
    private static final int CHUNKS_PER_MEMTABLE = 16;

    private final ArenaSkipList list;
    private final long sizeBytes;
    /**
     * Made once the memtable holds {@value #FILTER_AFTER_ENTRIES} entries (a store that lives for a handful of
     * writes, as in a topology test, never pays for it; searching so few is cheap); read without locks.
     */
    private volatile KeyFilter filter;
    private static final int FILTER_AFTER_ENTRIES = 256;
    private volatile long approximateBytes;
    private volatile long entries;
    private volatile long minRevision = Long.MAX_VALUE;
    private volatile long maxRevision;
    /** The last {@link #liveKeyDelta()}, valid while {@link #entries} has not moved since. */
    private volatile long[] liveKeyDeltaAt = {-1, 0};

    /** A memtable for the default 16 MiB size. */
    public MemTable() {
        this(16L << 20);
    }

    /** A memtable that will be frozen at about {@code sizeBytes}; sizes its arena chunks from it. */
    public MemTable(long sizeBytes) {
        long chunk = Math.max(4L << 10, Math.min(1L << 20, sizeBytes / CHUNKS_PER_MEMTABLE));
        this.list = new ArenaSkipList((int) chunk);
        this.sizeBytes = sizeBytes;
    }

    /**
     * Adds an entry, copying {@code userKey} and {@code value} (the caller may reuse them).
     * REQUIRES: called by the single writer; revision larger than any of an earlier write (batch).
     */
    public void add(byte[] userKey, long trailer, byte[] value) {
        add(userKey, trailer, value, false);
    }

    /**
     * As {@link #add(byte[], long, byte[])}; {@code afterPrevious}: the caller adds in internal-key order
     * (a sorted batch), so the insert starts from the previous one's position. Any order stays correct.
     */
    public void add(byte[] userKey, long trailer, byte[] value, boolean afterPrevious) {
        KeyFilter f = filter;
        if (f == null && entries >= FILTER_AFTER_ENTRIES) {
            f = new KeyFilter(sizeBytes);
            for (long node = list.first(); node != 0; node = list.next(node)) {
                f.add(KeyHash.hash64(list.userKey(node)));
            }
            filter = f; // published with every key already in: a reader that sees it misses none
        }
        if (f != null) {
            f.add(KeyHash.hash64(userKey)); // before the insert publishes the entry
        }
        list.insert(userKey, trailer, value, afterPrevious);
        long revision = InternalKeys.revision(trailer);
        if (revision < minRevision) {
            minRevision = revision;
        }
        if (revision > maxRevision) {
            maxRevision = revision; // a sorted batch's entries arrive out of revision order
        }
        entries = entries + 1;
        long used = list.usedBytes();
        // The filter is charged as the arena fills (all of it once the memtable is full), so the budget sees
        // each put's share of it rather than one jump.
        long filterBytes = KeyFilter.sizeBytesFor(sizeBytes);
        approximateBytes = used + (used >= sizeBytes ? filterBytes : (long) (filterBytes * ((double) used / sizeBytes)));
    }

    /**
     * The newest entry of {@code userKey} with revision {@code <= snapshotRevision}, or null.
     * The result's value is a copy the caller owns.
     */
    public Lookup get(byte[] userKey, long snapshotRevision) {
        return get(userKey, KeyHash.hash64(userKey), snapshotRevision);
    }

    /** {@link #get(byte[], long)} with the key's {@link KeyHash#hash64}, computed once by a read of many sources. */
    public Lookup get(byte[] userKey, long keyHash, long snapshotRevision) {
        KeyFilter f = filter;
        if (f != null && !f.mayContain(keyHash)) {
            return null;
        }
        long node = list.seek(userKey, InternalKeys.seekTrailer(snapshotRevision));
        if (node == 0 || !list.hasUserKey(node, userKey)) {
            return null;
        }
        return new Lookup(list.trailer(node), list.value(node));
    }

    /** A found entry: its trailer (revision and kind) and value. */
    public record Lookup(long trailer, byte[] value) {
        public boolean isDelete() {
            return InternalKeys.isDelete(trailer);
        }
    }

    public InternalIterator iterator() {
        return new MemTableIterator(list);
    }

    /** A forward pass over every entry, faster than {@link #iterator()} for a whole memtable. REQUIRES: frozen. */
    public MemTableScan scan() {
        return new MemTableScan(list, entries);
    }

    public boolean isEmpty() {
        return entries == 0;
    }
    public long approximateBytes() {
        return approximateBytes;
    }

    /**
     * What the memtable holds in memory once nothing more is added: its arena chunks whole (the newest
     * chunks' unused tails, which {@link #approximateBytes()} leaves out while appends fill them, stay
     * allocated until the flush frees the memtable) and its whole key filter; never less than
     * {@link #approximateBytes()}. REQUIRES: the writer is done (the memtable is frozen).
     */
    public long frozenBytes() {
        long held = list.allocatedBytes() + (filter == null ? 0 : KeyFilter.sizeBytesFor(sizeBytes));
        return Math.max(approximateBytes, held);
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
        long current = 0;
        boolean newestIsDelete = false;
        boolean sawPut = false;
        for (long node = list.first(); node != 0; node = list.next(node)) {
            long trailer = list.trailer(node);
            if (current == 0 || !list.sameUserKey(current, node)) {
                delta += contribution(current != 0, newestIsDelete, sawPut);
                current = node;
                newestIsDelete = InternalKeys.isDelete(trailer);
                sawPut = false;
            } else if (!InternalKeys.isDelete(trailer)) {
                sawPut = true;
            }
        }
        delta += contribution(current != 0, newestIsDelete, sawPut);
        liveKeyDeltaAt = new long[] {n, delta};
        return delta;
    }

    private static long contribution(boolean anyKey, boolean newestIsDelete, boolean olderPut) {
        if (!anyKey) {
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
