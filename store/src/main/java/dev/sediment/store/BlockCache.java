package dev.sediment.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A byte-bounded LRU cache of uncompressed blocks, shared by every table (and, in Kafka Streams, by
 * every store instance of a JVM). Keyed by {@code (tableId, blockOffset)}; {@code tableId} comes
 * from {@link #newTableId()} so ids never collide across stores sharing one cache.
 *
 * <p>Sharded by key hash; each shard is an access-ordered {@link LinkedHashMap} under its own lock.
 * Thread-safe.
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

    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must be >= 0: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard(capacityBytes / SHARDS);
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

    /** The cached block or null. */
    public byte[] get(long tableId, long offset) {
        byte[] b = shard(tableId, offset).get(new Key(tableId, offset));
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    public void put(long tableId, long offset, byte[] block) {
        shard(tableId, offset).put(new Key(tableId, offset), block);
    }

    /** Drops every block of a table (when the table file is deleted). */
    public void evictTable(long tableId) {
        for (Shard s : shards) {
            s.evictTable(tableId);
        }
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long usedBytes() {
        long sum = 0;
        for (Shard s : shards) {
            sum += s.usedBytes();
        }
        return sum;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    private record Key(long tableId, long offset) {
    }

    private static final class Shard {
        private final long capacity;
        private long used;
        private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(64, 0.75f, true);

        Shard(long capacity) {
            this.capacity = capacity;
        }

        synchronized byte[] get(Key k) {
            return map.get(k);
        }

        synchronized void put(Key k, byte[] v) {
            long charge = v.length + ENTRY_OVERHEAD_BYTES;
            if (charge > capacity) {
                return;
            }
            byte[] old = map.put(k, v);
            if (old != null) {
                used -= old.length + ENTRY_OVERHEAD_BYTES;
            }
            used += charge;
            var it = map.entrySet().iterator();
            while (used > capacity && it.hasNext()) {
                Map.Entry<Key, byte[]> e = it.next();
                used -= e.getValue().length + ENTRY_OVERHEAD_BYTES;
                it.remove();
            }
        }

        synchronized void evictTable(long tableId) {
            var it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Key, byte[]> e = it.next();
                if (e.getKey().tableId == tableId) {
                    used -= e.getValue().length + ENTRY_OVERHEAD_BYTES;
                    it.remove();
                }
            }
        }

        synchronized long usedBytes() {
            return used;
        }
    }
}
