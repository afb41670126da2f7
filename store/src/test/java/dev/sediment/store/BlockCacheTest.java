package dev.sediment.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block cache: bounded in bytes, a block that is hit outlives a stream of blocks nobody hits again. */
class BlockCacheTest {
    private static final int BLOCK = 4096;

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
