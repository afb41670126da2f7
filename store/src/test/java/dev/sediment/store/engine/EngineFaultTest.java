package dev.sediment.store.engine;

import dev.sediment.store.Store;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FaultInjectingFileSystem;
import dev.sediment.store.fs.FaultInjectingFileSystem.Op;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed writes, syncs and full disks: a typed error, the previous state intact, nothing lost. */
@Timeout(300)
class EngineFaultTest {
    private static final Path DIR = Path.of("/faults/store");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isTable(Path p) {
        return FileNames.kind(p.getFileName().toString()) == FileNames.Kind.TABLE;
    }

    private static boolean isManifest(Path p) {
        return FileNames.kind(p.getFileName().toString()) == FileNames.Kind.MANIFEST;
    }

    private static long tables(MemFileSystem fs) throws IOException {
        return fs.list(DIR).stream().filter(n -> FileNames.kind(n) == FileNames.Kind.TABLE).count();
    }

    private static StoreOptions options(FaultInjectingFileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(1 << 20).build();
    }

    @Test
    void aFailedTableSyncFailsTheFlushDeletesItsOutputAndLosesNothing() throws IOException {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        try (Store s = Store.open(DIR, options(fs))) {
            s.put(b("a"), b("1"));
            s.flush();
            s.put(b("b"), b("2"));
            fs.failOnce(Op.SYNC, EngineFaultTest::isTable);
            StoreIOException e = assertThrows(StoreIOException.class, s::flush);
            assertTrue(e.getMessage().contains("flush"), e.getMessage());
            assertEquals(1, tables(mem), "the failed flush's output is deleted");
            assertArrayEquals(b("2"), s.get(b("b")), "the unflushed write is still readable");
            s.put(b("c"), b("3"));
            s.flush();
        }
        try (Store s = Store.open(DIR, options(new FaultInjectingFileSystem(mem)))) {
            assertArrayEquals(b("1"), s.get(b("a")));
            assertArrayEquals(b("2"), s.get(b("b")));
            assertArrayEquals(b("3"), s.get(b("c")));
        }
        mem.assertNoOpenHandles();
    }

    @Test
    void anErrorInAFlushFailsItsWaiterInsteadOfHangingItAndTheNextFlushWorks() throws IOException {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        try (Store s = Store.open(DIR, options(fs))) {
            s.put(b("a"), b("1"));
            fs.errorOnce(Op.CREATE, EngineFaultTest::isTable, 0); // as an OutOfMemoryError in the flush thread would
            StoreIOException e = assertThrows(StoreIOException.class, s::flush);
            assertTrue(e.getCause() != null && e.getCause().toString().contains("injected error"), e.toString());
            assertArrayEquals(b("1"), s.get(b("a")), "the unflushed write is still readable");
            s.put(b("b"), b("2"));
            s.flush();
        }
        try (Store s = Store.open(DIR, options(new FaultInjectingFileSystem(mem)))) {
            assertArrayEquals(b("1"), s.get(b("a")));
            assertArrayEquals(b("2"), s.get(b("b")));
        }
        mem.assertNoOpenHandles();
    }

    @Test
    void aFullDiskFailsTheFlushUntilSpaceReturns() throws IOException {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        try (Store s = Store.open(DIR, options(fs))) {
            for (int i = 0; i < 1000; i++) {
                s.put(b("key" + i), new byte[100]);
            }
            fs.diskFullAfterBytes(1000);
            StoreIOException e = assertThrows(StoreIOException.class, s::flush);
            assertTrue(e.getMessage().contains("No space left"), e.getMessage());
            assertEquals(0, tables(mem), "no partial table is left behind");
            assertEquals(1000, s.stats().approximateEntries());
            fs.clearFaults();
            s.flush();
            assertEquals(1, tables(mem));
        }
        try (Store s = Store.open(DIR, options(new FaultInjectingFileSystem(mem)))) {
            assertArrayEquals(new byte[100], s.get(b("key999")));
        }
    }

    @Test
    void aManifestFailureMakesTheStoreReadOnlyUntilReopened() {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        Store s = Store.open(DIR, options(fs));
        s.put(b("a"), b("1"));
        s.flush();
        s.put(b("b"), b("2"));
        fs.failAlways(Op.SYNC, EngineFaultTest::isManifest);
        StoreException e = assertThrows(StoreException.class, s::flush);
        assertTrue(e.getMessage().contains("manifest"), e.getMessage());
        StoreException w = assertThrows(StoreException.class, () -> s.put(b("c"), b("3")));
        assertTrue(w.getMessage().contains("reopen"), w.getMessage());
        assertArrayEquals(b("2"), s.get(b("b")), "reads still work");
        StoreException c = assertThrows(StoreException.class, s::close, "close reports what may be lost");
        assertTrue(c.getMessage().contains("may not be durable"), c.getMessage());
        s.close(); // idempotent
        fs.clearFaults();
        try (Store again = Store.open(DIR, options(fs))) {
            assertArrayEquals(b("1"), again.get(b("a")), "the last durable state is recovered");
            again.put(b("c"), b("3"));
            assertArrayEquals(b("3"), again.get(b("c")));
        }
    }

    @Test
    void randomFaultsNeverCorruptWhatWasFlushed() {
        long seed = dev.sediment.store.testing.Seeds.seed("EngineFaultTest.randomFaults");
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        StoreOptions o = StoreOptions.builder().fileSystem(fs).memtableSizeBytes(2048).build();
        java.util.TreeMap<String, String> flushed = new java.util.TreeMap<>();
        java.util.TreeMap<String, String> written = new java.util.TreeMap<>();
        java.util.Random rnd = new java.util.Random(seed);
        for (int round = 0; round < 20; round++) {
            try (Store s = Store.open(DIR, o)) {
                fs.failRandomly(seed + round, 0.02, Op.APPEND, Op.SYNC, Op.CREATE, Op.RENAME, Op.SYNC_DIR);
                for (int i = 0; i < 200; i++) {
                    String k = "k" + rnd.nextInt(300);
                    String v = "r" + round + "i" + i;
                    s.put(b(k), b(v));
                    written.put(k, v);
                }
                s.flush();
                flushed.clear();
                flushed.putAll(written);
            } catch (StoreException expected) {
                // a fault hit: what was flushed before must survive
            } finally {
                fs.clearFaults();
            }
            try (Store s = Store.open(DIR, o)) {
                for (var e : flushed.entrySet()) {
                    byte[] got = s.get(b(e.getKey()));
                    assertTrue(got != null, "seed=" + seed + " round " + round + ": lost " + e.getKey());
                }
                // Resynchronise the model with what the store holds now (unflushed writes may be gone).
                written.clear();
                try (var it = s.iterator(dev.sediment.store.KeyRange.all(), false)) {
                    for (; it.valid(); it.next()) {
                        written.put(new String(it.key(), StandardCharsets.UTF_8), new String(it.value(), StandardCharsets.UTF_8));
                    }
                }
                flushed.clear();
                flushed.putAll(written);
            }
        }
    }
}
