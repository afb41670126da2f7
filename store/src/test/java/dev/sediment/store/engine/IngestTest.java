package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.fs.FaultInjectingFileSystem;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bulk path: batches written straight to L0 tables behave exactly like write(batch). */
@Timeout(120)
class IngestTest {
    private static final Path DIR = Path.of("/ingest");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(MemFileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(16 << 10).blockSizeBytes(512).build();
    }

    private static TreeMap<String, String> contents(Store s) {
        TreeMap<String, String> m = new TreeMap<>();
        try (StoreIterator it = s.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                m.put(new String(it.key(), StandardCharsets.UTF_8), new String(it.value(), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    @Test
    void ingestedBatchesMatchAModelAcrossMemtableWritesSnapshotsCompactionsAndReopen() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        MemFileSystem fs = new MemFileSystem();
        TreeMap<String, String> model = new TreeMap<>();
        Engine store = Engine.open(DIR, options(fs));
        int ingestedTables = 0;
        for (int round = 0; round < 40; round++) {
            WriteBatch batch = new WriteBatch();
            // Small ones take the memtable path (under a quarter of the memtable), 550 ops one table, and
            // from half a memtable on a batch is cut into two tables.
            int n = random.nextBoolean() ? 20 : random.nextBoolean() ? 550 : random.nextBoolean() ? 2_000 : 6_000;
            for (int i = 0; i < n; i++) {
                String k = "k" + random.nextInt(3_000);
                if (random.nextInt(8) == 0) {
                    batch.delete(b(k));
                    model.remove(k);
                } else {
                    String v = "v" + round + "-" + i;
                    batch.put(b(k), b(v));
                    model.put(k, v);
                }
            }
            Snapshot before = store.snapshot();
            TreeMap<String, String> modelBefore = new TreeMap<>(contents(store));
            long rev = store.ingest(batch);
            assertEquals(store.lastRevision(), rev, "seed " + seed);
            EngineInvariants.check(store); // also with the two key-disjoint L0 tables of a split ingest
            if (n > 20) {
                ingestedTables++;
                assertEquals(0, store.stats().memtables().bytes(), "a large batch bypasses the memtable");
            }
            assertEquals(model, contents(store), "seed " + seed + " round " + round);
            try (StoreIterator it = before.iterator(KeyRange.all(), false)) {
                TreeMap<String, String> seen = new TreeMap<>();
                for (; it.valid(); it.next()) {
                    seen.put(new String(it.key(), StandardCharsets.UTF_8), new String(it.value(), StandardCharsets.UTF_8));
                }
                assertEquals(modelBefore, seen, "a snapshot taken before the ingest does not see it; seed " + seed);
            }
            before.close();
            if (round % 10 == 9) {
                store.commit(Map.of("p", (long) round));
                store.compactRange(null, null);
                EngineInvariants.check(store);
            }
        }
        assertTrue(ingestedTables > 0);
        store.commit(Map.of("p", 99L));
        store.close();

        store = Engine.open(DIR, options(fs));
        assertEquals(model, contents(store), "seed " + seed);
        assertEquals(99L, store.committedOffsets().get("p"));
        store.close();
    }

    @Test
    void ingestedRunsWaitForAHigherL0TriggerUntilTheFirstWriteAfterThem() throws InterruptedException {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs))) {
            // Default triggers: compact L0 at 4 files, slow writers at 20; while bulk loading, at 10.
            for (int run = 0; run < 6; run++) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 2_000; i++) {
                    batch.put(b("k" + (i * 7 + run) % 5_000), b("run" + run));
                }
                store.ingest(batch);
                if (run == 2) {
                    // A short run (a commit cut it) goes through the memtable without ending the bulk load.
                    store.ingest(new WriteBatch().put(b("short"), b("run")));
                }
            }
            // Each run is cut into two key-disjoint tables that count as one for L0's score: 6 runs and the
            // short one count 7, under the raised trigger of 10 (13 tables counted one by one would be over it).
            assertEquals(13, store.stats().tables().levels().get(0).files(),
                    "each run is two L0 tables (the short one, flushed before the next, one), none compacted yet");
            assertEquals(0, store.stats().compactions().count());
            assertEquals(0, store.stats().compactions().pendingBytes());
            assertEquals("", store.stats().stalls().reason(), "writers are not held back");

            java.util.concurrent.CountDownLatch l0Compacted = new java.util.concurrent.CountDownLatch(1);
            store.setCompactionListener(e -> {
                if (e.currentVersion().files(0).size() < 4) {
                    l0Compacted.countDown();
                }
            });
            store.put(b("processing"), b("starts")); // the restore is over: L0 is compacted at 4 files again
            assertTrue(l0Compacted.await(30, java.util.concurrent.TimeUnit.SECONDS),
                    "L0 was not compacted: " + store.stats().tables().levels());
            assertTrue(store.stats().compactions().count() > 0);
            EngineInvariants.check(store);
        }
    }

    @Test
    void aBatchCutIntoTwoTablesIsAllOrNothingWhenOneTableFails() throws Exception {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(new MemFileSystem());
        try (Engine store = Engine.open(DIR, StoreOptions.builder().fileSystem(fs).memtableSizeBytes(16 << 10)
                .blockSizeBytes(512).build())) {
            store.put(b("before"), b("1"));
            store.flush();
            List<String> tablesBefore = tables(fs);
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 6_000; i++) {
                batch.put(b("key" + i), b("value" + i)); // ~75 KB: more than two 16 KiB memtables
            }
            fs.failAfter(FaultInjectingFileSystem.Op.CREATE, p -> p.toString().endsWith(".sst"), 1);
            assertThrows(StoreIOException.class, () -> store.ingest(batch));
            assertEquals(tablesBefore, tables(fs), "the part that was written is deleted again");
            assertNull(store.get(b("key1")));
            assertArrayEquals(b("1"), store.get(b("before")));

            fs.clearFaults();
            store.ingest(batch);
            assertEquals(tablesBefore.size() + 2, tables(fs).size(), "two tables, written in parallel");
            assertArrayEquals(b("value0"), store.get(b("key0")));
            assertArrayEquals(b("value5999"), store.get(b("key5999")));
            EngineInvariants.check(store);
        }
    }

    private static List<String> tables(FaultInjectingFileSystem fs) throws Exception {
        return fs.list(DIR).stream().filter(n -> n.endsWith(".sst")).sorted().toList();
    }

    @Test
    void theLastOperationOnAKeyWinsAndAnIngestIsDurableAtOnce() {
        MemFileSystem fs = new MemFileSystem();
        Store store = Store.open(DIR, options(fs));
        store.put(b("old"), b("x"));
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 1_000; i++) {
            batch.put(b("key" + i % 10), b("v" + i));
        }
        batch.delete(b("key3")).delete(b("old")).put(b("key4"), b("last"));
        long rev = store.ingest(batch);
        assertEquals(1 + 1_003, rev, "one revision per operation, as write(batch)");
        assertArrayEquals(b("v999"), store.get(b("key9")));
        assertArrayEquals(b("last"), store.get(b("key4")));
        assertNull(store.get(b("key3")));
        assertNull(store.get(b("old")));
        // A crash right after the ingest keeps it (a never-committed store keeps what is flushed): the table
        // was synced and the manifest edit naming it too.
        MemFileSystem crashed = fs.crashClone();
        Store reopened = Store.open(DIR, options(crashed));
        assertTrue(reopened.committedOffsets().isEmpty());
        assertArrayEquals(b("last"), reopened.get(b("key4")));
        assertArrayEquals(b("v999"), reopened.get(b("key9")));
        assertNull(reopened.get(b("old")));
        reopened.close();
        store.close();
    }
}
