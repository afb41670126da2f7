package dev.sediment.streams;

import dev.sediment.store.StoreRuntime;
import dev.sediment.streams.internal.SedimentKeyValueStore;
import dev.sediment.streams.internal.SharedRuntime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 200 store instances in one JVM share one runtime and stay within its small memory budget. */
@Timeout(120)
class ManyStoresTest {
    private static final int STORES = 200;
    private static final long MEMORY = 4L << 20; // 2 MiB memtables + 2 MiB block cache for all 200 stores
    /**
     * What a memtable frozen while the budget is full adds to it beyond the bytes written: its two arenas'
     * unused chunk tails, charged at the freeze (chunks are at most 1/16 of the 1 MiB memtables here).
     */
    private static final long FROZEN_TAILS = 2 * ((1 << 20) / 16);

    @TempDir
    Path tmp;

    @Test
    void twoHundredStoresStayWithinTheConfiguredBudgetAndReleaseTheRuntime() {
        assertEquals(0, SharedRuntime.users(), "no store of another test left open");
        Properties props = new Properties();
        props.put(SedimentConfig.MEMORY_BYTES, MEMORY);
        props.put(SedimentConfig.MEMTABLE_BYTES, 1L << 20); // alone, 200 stores could hold 200 MiB of memtables
        props.put(SedimentConfig.MAX_OPEN_FILES, 50);
        List<SedimentKeyValueStore> stores = new ArrayList<>();
        for (int i = 0; i < STORES; i++) {
            CapturingStateStoreContext ctx = new CapturingStateStoreContext(tmp.resolve("task-" + i).toFile(), props);
            SedimentKeyValueStore s = new SedimentKeyValueStore("store");
            s.init(ctx, s);
            stores.add(s);
        }
        StoreRuntime runtime = SharedRuntime.current();
        assertEquals(STORES, SharedRuntime.users());
        long budget = runtime.writeBufferBudget().limitBytes();
        assertEquals(MEMORY / 2, budget);
        byte[] value = new byte[1000];
        for (int round = 0; round < 50; round++) {
            for (SedimentKeyValueStore s : stores) {
                s.put(Bytes.wrap(("key-" + round).getBytes(StandardCharsets.UTF_8)), value);
            }
            for (SedimentKeyValueStore s : stores) {
                assertSame(runtime, SharedRuntime.current());
                assertTrue(runtime.writeBufferBudget().usedBytes() <= budget + 2048 + FROZEN_TAILS, runtime::toString);
            }
        }
        for (int i = 0; i < STORES; i++) {
            SedimentKeyValueStore s = stores.get(i);
            assertArrayEquals(value, s.get(Bytes.wrap("key-0".getBytes(StandardCharsets.UTF_8))), "flushed, read from a table");
            assertTrue(runtime.openTableBudget().openTables() <= 50, runtime::toString);
            s.commit(Map.of(new TopicPartition("c", i), 49L));
        }
        // About 10 MiB were written: only the budget kept memtables to 2 MiB.
        assertTrue(runtime.writeBufferBudget().peakBytes() <= budget + 2048 + FROZEN_TAILS,
                "peak " + runtime.writeBufferBudget().peakBytes());
        assertTrue(runtime.writeBufferBudget().stalls() > 0, "writers were pushed back");
        assertTrue(runtime.blockCache().usedBytes() <= runtime.blockCache().capacityBytes());
        for (SedimentKeyValueStore s : stores) {
            s.close();
        }
        assertEquals(0, runtime.writeBufferBudget().usedBytes(), "every memtable byte given back");
        assertEquals(0, runtime.writeBufferBudget().members());
        assertEquals(0, SharedRuntime.users());
        assertNull(SharedRuntime.current(), "the runtime is released with the last store");
    }
}
