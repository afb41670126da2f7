package dev.sediment.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A byte-bounded LRU cache of uncompressed blocks, shared by every table (and, in Kafka Streams, by
 * every store instance of a JVM). Keyed by {@code (tableId, blockOffset)}; {@code tableId} comes
 * from {@link #newTableId()} so ids never collide across stores sharing one cache.
 *
 * <p>Sharded by key hash; each shard is a hash table with an LRU list under its own lock. A hit allocates
 * nothing. Thread-safe.
 *
 * <p>Open tables' index and filter blocks stay in memory outside the LRU; they are {@link #pin pinned} against
 * the capacity (RocksDB's {@code cache_index_and_filter_blocks} with pinning), so the blocks the cache may
 * hold shrink by what they take and {@link #usedBytes()} counts both. Pinned bytes beyond the capacity are
 * still counted (a table cannot be read without its index): bound them with the number of open tables.
 */
public final class BlockCache {
    private static final int SHARDS = 16;
    /** Per-entry bookkeeping charged on top of the block bytes (map node, key, array header). */
    private static final int ENTRY_OVERHEAD_BYTES = 96;
    private static final AtomicLong NEXT_TABLE_ID = new AtomicLong(1);

    private final Shard[] shards = new Shard[SHARDS];
    private final long capacityBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    /** Stored (compressed) bytes read from files for the blocks that {@link #get} missed. */
    private final LongAdder missReadBytes = new LongAdder();
    /** Bytes pinned by open tables; each shard's room for blocks is its share of the capacity less its share of this. */
    private final AtomicLong pinnedBytes = new AtomicLong();

    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must be >= 0: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard(capacityBytes / SHARDS, pinnedBytes);
        }
    }

    /** A JVM-unique id for a newly opened table. */
    public static long newTableId() {
        return NEXT_TABLE_ID.getAndIncrement();
    }

    private Shard shard(long tableId, long offset) {
        long h = tableId * 0x9E3779B97F4A7C15L ^ offset * 0xC2B2AE3D27D4EB4FL;
        return shards[(int) ((h ^ (h >>> 32)) & (SHARDS - 1))];
    }

    /** The cached block or null. Allocates nothing. */
    public byte[] get(long tableId, long offset) {
        byte[] b = shard(tableId, offset).get(tableId, offset);
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    /**
     * The cached block or null, leaving its place in the LRU order and the hit counts alone: for a
     * compaction's reads, which pass over each block once and must not keep the blocks of tables about to
     * be deleted ahead of the blocks reads keep coming back to.
     */
    public byte[] peek(long tableId, long offset) {
        return shard(tableId, offset).peek(tableId, offset);
    }

    public void put(long tableId, long offset, byte[] block) {
        shard(tableId, offset).put(tableId, offset, block);
    }

    /** Drops every block of a table (when the table file is deleted). */
    public void evictTable(long tableId) {
        for (Shard s : shards) {
            s.evictTable(tableId);
        }
    }

    /**
     * Charges {@code bytes} held outside the cache's entries (an open table's index, filter and properties)
     * against the capacity, evicting the least recently used blocks to make room. Undo with {@link #unpin}.
     */
    public void pin(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
        }
        pinnedBytes.addAndGet(bytes);
        for (Shard s : shards) {
            s.evictToCapacity();
        }
    }

    /** Releases bytes {@link #pin pinned} before. */
    public void unpin(long bytes) {
        pinnedBytes.addAndGet(-bytes);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes of cached blocks (with their bookkeeping) plus the {@link #pinnedBytes()}. */
    public long usedBytes() {
        long sum = pinnedBytes.get();
        for (Shard s : shards) {
            sum += s.usedBytes();
        }
        return sum;
    }

    /** Bytes {@link #pin pinned} by open tables. */
    public long pinnedBytes() {
        return pinnedBytes.get();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** Counts {@code bytes} read from a file to serve a block {@link #get} missed. */
    public void recordMissRead(long bytes) {
        missReadBytes.add(bytes);
    }

    /** Bytes read from files for missed blocks, as stored (compressed, with their trailers). */
    public long missReadBytes() {
        return missReadBytes.sum();
    }

    /**
     * A cached block: in its hash bucket's chain, in the shard's LRU list (head = least recently used) and in
     * its table's list, so that dropping a table visits its blocks only, not every block of the shard.
     */
    private static final class Node {
        final long tableId;
        final long offset;
        byte[] block;
        Node chain;
        Node older;
        Node newer;
        Node prevOfTable;
        Node nextOfTable;

        Node(long tableId, long offset, byte[] block) {
            this.tableId = tableId;
            this.offset = offset;
            this.block = block;
        }
    }

    /**
     * One shard: a chained hash table over (tableId, offset) and an intrusive LRU list, so a hit looks up and
     * moves a node without allocating (a map keyed by a record allocates a key per lookup).
     */
    private static final class Shard {
        private final long capacity;
        private final AtomicLong pinned;
        private long used;
        private int size;
        private Node[] buckets = new Node[64];
        /** The first node of each table with blocks in this shard. */
        private final TableHeads tables = new TableHeads();
        /** Least and most recently used. */
        private Node lru;
        private Node mru;

        Shard(long capacity, AtomicLong pinned) {
            this.capacity = capacity;
            this.pinned = pinned;
        }

        /** Room for blocks: this shard's share of the capacity less its share of the pinned bytes. */
        private long room() {
            return capacity - pinned.get() / SHARDS;
        }

        private static int hash(long tableId, long offset) {
            long h = tableId * 0xC2B2AE3D27D4EB4FL + offset * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29) ^ (h >>> 47));
        }

        private Node find(long tableId, long offset) {
            Node n = buckets[hash(tableId, offset) & (buckets.length - 1)];
            while (n != null && (n.tableId != tableId || n.offset != offset)) {
                n = n.chain;
            }
            return n;
        }

        synchronized byte[] get(long tableId, long offset) {
            Node n = find(tableId, offset);
            if (n == null) {
                return null;
            }
            if (n != mru) {
                unlink(n);
                linkNewest(n);
            }
            return n.block;
        }

        synchronized byte[] peek(long tableId, long offset) {
            Node n = find(tableId, offset);
            return n == null ? null : n.block;
        }

        synchronized void put(long tableId, long offset, byte[] block) {
            long charge = block.length + ENTRY_OVERHEAD_BYTES;
            long room = room();
            if (charge > room) {
                return;
            }
            Node n = find(tableId, offset);
            if (n != null) {
                used += block.length - n.block.length;
                n.block = block;
                unlink(n);
            } else {
                n = new Node(tableId, offset, block);
                int b = hash(tableId, offset) & (buckets.length - 1);
                n.chain = buckets[b];
                buckets[b] = n;
                Node first = tables.put(tableId, n);
                if (first != null) {
                    n.nextOfTable = first;
                    first.prevOfTable = n;
                }
                used += charge;
                if (++size > buckets.length) {
                    rehash();
                }
            }
            linkNewest(n);
            while (used > room && lru != null) {
                remove(lru);
            }
        }

        synchronized void evictToCapacity() {
            long room = room();
            while (used > room && lru != null) {
                remove(lru);
            }
        }

        synchronized void evictTable(long tableId) {
            Node n = tables.get(tableId);
            while (n != null) {
                Node next = n.nextOfTable;
                remove(n);
                n = next;
            }
        }

        synchronized long usedBytes() {
            return used;
        }

        private void remove(Node n) {
            unlink(n);
            int b = hash(n.tableId, n.offset) & (buckets.length - 1);
            if (buckets[b] == n) {
                buckets[b] = n.chain;
            } else {
                Node p = buckets[b];
                while (p.chain != n) {
                    p = p.chain;
                }
                p.chain = n.chain;
            }
            n.chain = null;
            if (n.prevOfTable != null) {
                n.prevOfTable.nextOfTable = n.nextOfTable;
            } else if (n.nextOfTable != null) {
                tables.put(n.tableId, n.nextOfTable);
            } else {
                tables.remove(n.tableId);
            }
            if (n.nextOfTable != null) {
                n.nextOfTable.prevOfTable = n.prevOfTable;
            }
            n.prevOfTable = null;
            n.nextOfTable = null;
            used -= n.block.length + ENTRY_OVERHEAD_BYTES;
            size--;
        }

        private void unlink(Node n) {
            if (n.older != null) {
                n.older.newer = n.newer;
            } else {
                lru = n.newer;
            }
            if (n.newer != null) {
                n.newer.older = n.older;
            } else {
                mru = n.older;
            }
            n.older = null;
            n.newer = null;
        }

        private void linkNewest(Node n) {
            n.older = mru;
            n.newer = null;
            if (mru != null) {
                mru.newer = n;
            } else {
                lru = n;
            }
            mru = n;
        }

        private void rehash() {
            Node[] grown = new Node[buckets.length * 2];
            for (Node head : buckets) {
                Node n = head;
                while (n != null) {
                    Node next = n.chain;
                    int b = hash(n.tableId, n.offset) & (grown.length - 1);
                    n.chain = grown[b];
                    grown[b] = n;
                    n = next;
                }
            }
            buckets = grown;
        }
    }

    /**
     * Table id to the first node of its list, open addressing over a {@code long[]}: a miss's put updates it, and a
     * {@code HashMap<Long, Node>} there cost a boxed key and three dependent loads (JFR put the line at 12% of a
     * delete's samples). Ids start at 1, so 0 marks an empty slot. Guarded by the shard's lock.
     */
    private static final class TableHeads {
        private long[] ids = new long[16];
        private Node[] heads = new Node[16];
        private int size;

        private int slot(long id) {
            return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (ids.length - 1);
        }

        Node get(long id) {
            for (int i = slot(id); ; i = (i + 1) & (ids.length - 1)) {
                if (ids[i] == id) {
                    return heads[i];
                }
                if (ids[i] == 0) {
                    return null;
                }
            }
        }

        /** Maps {@code id} to {@code head} and returns the head it replaced, or null. */
        Node put(long id, Node head) {
            int i = slot(id);
            while (ids[i] != 0) {
                if (ids[i] == id) {
                    Node old = heads[i];
                    heads[i] = head;
                    return old;
                }
                i = (i + 1) & (ids.length - 1);
            }
            ids[i] = id;
            heads[i] = head;
            if (++size * 2 > ids.length) {
                grow();
            }
            return null;
        }

        void remove(long id) {
            int i = slot(id);
            while (ids[i] != id) {
                if (ids[i] == 0) {
                    return;
                }
                i = (i + 1) & (ids.length - 1);
            }
            // Backward shift: move later entries of the probe run into the hole, so lookups need no tombstones.
            int mask = ids.length - 1;
            for (int j = (i + 1) & mask; ids[j] != 0; j = (j + 1) & mask) {
                int home = slot(ids[j]);
                boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
                if (movable) {
                    ids[i] = ids[j];
                    heads[i] = heads[j];
                    i = j;
                }
            }
            ids[i] = 0;
            heads[i] = null;
            size--;
        }

        private void grow() {
            long[] oldIds = ids;
            Node[] oldHeads = heads;
            ids = new long[oldIds.length * 2];
            heads = new Node[oldIds.length * 2];
            size = 0;
            for (int i = 0; i < oldIds.length; i++) {
                if (oldIds[i] != 0) {
                    put(oldIds[i], oldHeads[i]);
                }
            }
        }
    }
}
