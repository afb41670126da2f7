package dev.sediment.store.engine;

import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreRuntime;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.WriteBufferBudget;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many stores under one runtime: one memtable budget with backpressure, one block cache. */
@Timeout(120)
class StoreRuntimeTest {
    private static final int VALUE_BYTES = 200;
    /**
     * What a memtable frozen while the budget is full adds to it beyond the bytes written: its two arenas'
     * unused chunk tails, charged at the freeze (chunks are at most 1/16 of the 1 MiB memtables here).
     */
    private static final long FROZEN_TAILS = 2 * ((1 << 20) / 16);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manyStoresStayWithinTheMemtableBudgetAndGiveItBackOnClose() {
        long budgetBytes = 256 << 10;
        StoreRuntime runtime = new StoreRuntime(1 << 20, budgetBytes);
        MemFileSystem fs = new MemFileSystem();
        // Each store's own limit (1 MiB) would allow 50 MiB in total: only the budget keeps it small.
        StoreOptions options = StoreOptions.builder().fileSystem(fs).memtableSizeBytes(1 << 20).runtime(runtime).build();
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            stores.add(Store.open(Path.of("/s" + i), options));
        }
        WriteBufferBudget budget = runtime.writeBufferBudget();
        assertEquals(50, budget.members());
        byte[] value = new byte[VALUE_BYTES];
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < stores.size(); i++) {
                stores.get(i).put(b("key-" + round), value);
                assertTrue(budget.usedBytes() <= budgetBytes + 1024 + FROZEN_TAILS, "over budget: " + runtime);
            }
        }
        assertTrue(budget.stalls() > 0, "the budget had to push back");
        assertTrue(budget.peakBytes() <= budgetBytes + 1024 + FROZEN_TAILS, "peak " + budget.peakBytes());
        for (int i = 0; i < stores.size(); i++) {
            assertArrayEquals(value, stores.get(i).get(b("key-0")), "flushed by the budget, still readable");
            assertArrayEquals(value, stores.get(i).get(b("key-39")));
        }
        for (Store s : stores) {
            s.close();
        }
        assertEquals(0, budget.usedBytes(), "closing gives every byte back");
        assertEquals(0, budget.members());
    }

    @Test
    void concurrentWritersToSeveralStoresNeverDeadlockAndStayNearTheBudget() throws Exception {
        long budgetBytes = 128 << 10;
        StoreRuntime runtime = new StoreRuntime(1 << 20, budgetBytes);
        MemFileSystem fs = new MemFileSystem();
        StoreOptions options = StoreOptions.builder().fileSystem(fs).memtableSizeBytes(1 << 20).runtime(runtime).build();
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stores.add(Store.open(Path.of("/c" + i), options));
        }
        AtomicLong writes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                for (int n = 0; n < 2_000; n++) {
                    Store s = stores.get((me + n) % stores.size());
                    if (n % 10 == 0) {
                        s.write(new WriteBatch().put(b("b" + me + "-" + n), new byte[VALUE_BYTES]).delete(b("x")));
                    } else {
                        s.put(b("k" + me + "-" + n), new byte[VALUE_BYTES]);
                    }
                    writes.incrementAndGet();
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(8_000, writes.get());
        // Each of the 4 writers may have one write in flight past the limit, and the tails of a memtable it froze.
        assertTrue(runtime.writeBufferBudget().peakBytes() <= budgetBytes + 4 * (1024 + FROZEN_TAILS),
                "peak " + runtime.writeBufferBudget().peakBytes());
        for (Store s : stores) {
            s.close();
        }
        assertEquals(0, runtime.writeBufferBudget().usedBytes());
    }

    @Test
    void storesShareTheRuntimesBlockCache() {
        StoreRuntime runtime = new StoreRuntime(1 << 20, 1 << 20);
        MemFileSystem fs = new MemFileSystem();
        StoreOptions options = StoreOptions.builder().fileSystem(fs).runtime(runtime).build();
        try (Store a = Store.open(Path.of("/a"), options); Store c = Store.open(Path.of("/b"), options)) {
            a.put(b("k"), b("va"));
            c.put(b("k"), b("vb"));
            a.flush();
            c.flush();
            assertArrayEquals(b("va"), a.get(b("k")));
            assertArrayEquals(b("vb"), c.get(b("k")));
            assertTrue(runtime.blockCache().usedBytes() > 0, "both stores' blocks land in the shared cache");
            assertEquals(runtime.blockCache().usedBytes(), a.stats().cache().bytes());
        }
    }

    @Test
    void openTablesAreBoundedAcrossStores() {
        StoreRuntime runtime = new StoreRuntime(1 << 20, 8 << 20, 6);
        MemFileSystem fs = new MemFileSystem();
        StoreOptions options = StoreOptions.builder().fileSystem(fs).runtime(runtime).build();
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Store s = Store.open(Path.of("/t" + i), options);
            for (int t = 0; t < 3; t++) { // three L0 tables per store
                s.put(b("k" + t), b("v" + t));
                s.flush();
            }
            stores.add(s);
        }
        for (int round = 0; round < 3; round++) {
            for (Store s : stores) {
                for (int t = 0; t < 3; t++) {
                    assertArrayEquals(b("v" + t), s.get(b("k" + t)));
                    assertTrue(runtime.openTableBudget().openTables() <= 6, runtime::toString);
                }
            }
        }
        assertEquals(6, runtime.openTableBudget().openTables(), "15 tables were read, 6 stay open");
        for (Store s : stores) {
            s.close();
        }
        assertEquals(0, runtime.openTableBudget().openTables());
    }
}
