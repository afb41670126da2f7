package dev.sediment.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block cache: bounded in bytes, a block that is hit outlives a stream of blocks nobody hits again. */
class BlockCacheTest {
    private static final int BLOCK = 4096;

    /**
     * Dropping a table removes exactly its blocks, found through the table's own list, whatever puts,
     * replacements, hits and capacity evictions came before: checked against a model of what may be cached.
     */
    @Test
    void evictTableDropsExactlyThatTablesBlocks() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("evictTableDropsExactlyThatTablesBlocks: -Dtests.seed=" + seed);
        evictionAgainstTheModel(seed, 6);
        // Enough tables that each shard's table-to-list map grows and its removals shift probe runs.
        evictionAgainstTheModel(seed, 100);
    }

    private static void evictionAgainstTheModel(long seed, int tableCount) {
        Random rnd = new Random(seed);
        // About half of six tables' blocks fit; a twelfth of a hundred's.
        BlockCache cache = new BlockCache(16 * 8 * (BLOCK / 8 + 200L) * Math.max(1, tableCount / 8));
        long[] tables = new long[tableCount];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = BlockCache.newTableId();
        }
        // What each (table, offset) last held; a cached block is always the latest one put.
        Map<Long, Map<Long, byte[]>> latest = new HashMap<>();
        for (int step = 0; step < 200 * tableCount + 20_000; step++) {
            int t = rnd.nextInt(tables.length);
            long offset = rnd.nextInt(40) * (long) BLOCK;
            int op = rnd.nextInt(10);
            if (op < 6) {
                byte[] block = new byte[BLOCK / 8 + rnd.nextInt(64)];
                rnd.nextBytes(block);
                cache.put(tables[t], offset, block);
                latest.computeIfAbsent(tables[t], k -> new HashMap<>()).put(offset, block);
            } else if (op < 9) {
                byte[] got = cache.get(tables[t], offset);
                if (got != null) {
                    assertArrayEquals(latest.get(tables[t]).get(offset), got, "seed " + seed + ", " + tableCount + " tables, step " + step);
                }
            } else {
                cache.evictTable(tables[t]);
                latest.remove(tables[t]);
                for (long o = 0; o < 40; o++) {
                    assertNull(cache.peek(tables[t], o * BLOCK), "seed " + seed + ", " + tableCount + " tables, step " + step);
                }
            }
            assertTrue(cache.usedBytes() <= cache.capacityBytes(), "seed " + seed);
        }
        long cachedBytes = 0;
        for (long table : tables) {
            for (long o = 0; o < 40; o++) {
                byte[] b = cache.peek(table, o * BLOCK);
                if (b != null) {
                    assertArrayEquals(latest.get(table).get(o * BLOCK), b, "seed " + seed);
                    cachedBytes += b.length + 96;
                }
            }
        }
        assertEquals(cachedBytes, cache.usedBytes(), "seed " + seed + ": the byte count matches the blocks held");
        for (long table : tables) {
            cache.evictTable(table);
        }
        assertEquals(0, cache.usedBytes(), "seed " + seed);
    }

    @Test
    void staysWithinItsCapacityAndCountsHitsAndMisses() {
        BlockCache cache = new BlockCache(64 * (BLOCK + 200L));
        long table = BlockCache.newTableId();
        for (long offset = 0; offset < 1_000; offset++) {
            cache.put(table, offset * BLOCK, new byte[BLOCK]);
            assertTrue(cache.usedBytes() <= cache.capacityBytes(), "over capacity after " + offset + " blocks");
        }
        assertNull(cache.get(table, 0), "the oldest block, never hit, is gone");
        assertNotNull(cache.get(table, 999L * BLOCK), "the newest is there");
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void aBlockThatIsHitSurvivesAScanOfBlocksNobodyHitsAgain() {
        BlockCache cache = new BlockCache(16 * 16 * (BLOCK + 200L)); // 16 blocks per shard
        long hot = BlockCache.newTableId();
        byte[] hotBlock = {1, 2, 3};
        cache.put(hot, 0, hotBlock);
        long scan = BlockCache.newTableId(); // a closed table's blocks, or a full scan's
        for (long offset = 0; offset < 10_000; offset++) {
            cache.put(scan, offset * BLOCK, new byte[BLOCK]);
            assertArrayEquals(hotBlock, cache.get(hot, 0), "the hit block was evicted after " + offset);
        }
    }

    @Test
    void pinnedBytesTakeRoomFromBlocksAndAreCountedUntilUnpinned() {
        long capacity = 64 * (BLOCK + 200L);
        BlockCache cache = new BlockCache(capacity);
        long table = BlockCache.newTableId();
        for (long offset = 0; offset < 1_000; offset++) {
            cache.put(table, offset * BLOCK, new byte[BLOCK]);
        }
        long blocksBefore = cache.usedBytes();
        assertTrue(blocksBefore > capacity / 2, "the cache filled: " + blocksBefore);
        cache.pin(capacity / 2);
        assertEquals(capacity / 2, cache.pinnedBytes());
        assertTrue(cache.usedBytes() <= capacity, "blocks evicted to make room: " + cache.usedBytes());
        assertTrue(cache.usedBytes() - cache.pinnedBytes() <= capacity - capacity / 2 + 16L * (BLOCK + 96),
                "blocks hold at most the unpinned room");
        for (long offset = 1_000; offset < 2_000; offset++) {
            cache.put(table, offset * BLOCK, new byte[BLOCK]);
            assertTrue(cache.usedBytes() <= capacity, "over capacity with pinned bytes after " + offset);
        }
        cache.unpin(capacity / 2);
        assertEquals(0, cache.pinnedBytes());
        cache.pin(2 * capacity); // more than fits: counted all the same, and no block is kept
        assertEquals(2 * capacity, cache.usedBytes());
        cache.put(table, 0, new byte[BLOCK]);
        assertNull(cache.get(table, 0));
        cache.unpin(2 * capacity);
        assertEquals(0, cache.usedBytes());
    }

    @Test
    void concurrentReadersAndWritersKeepEntriesIntactAndTheBound() throws Exception {
        BlockCache cache = new BlockCache(1 << 20);
        long table = BlockCache.newTableId();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 50_000; i++) {
                    long offset = random.nextInt(2_000);
                    byte[] b = cache.get(table, offset);
                    if (b == null) {
                        byte[] block = new byte[512];
                        block[0] = (byte) offset; // the content names its key
                        cache.put(table, offset, block);
                    } else if (b[0] != (byte) offset) {
                        throw new AssertionError("block " + offset + " holds another key's bytes");
                    }
                }
            });
            thread.setUncaughtExceptionHandler((th, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        assertTrue(cache.usedBytes() <= cache.capacityBytes());
        assertTrue(cache.hits() > 0 && cache.misses() > 0);
    }
}
