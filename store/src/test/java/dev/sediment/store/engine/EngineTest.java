package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public contract: bad input, lifecycle, snapshots, iterators under concurrent writes. */
@Timeout(300)
class EngineTest {
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions small(MemFileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(4096).blockSizeBytes(128).build();
    }

    @Test
    void nullsAreRejectedWithClearErrors() {
        try (Store s = Store.open(Path.of("/s"), small(new MemFileSystem()))) {
            assertTrue(assertThrows(NullPointerException.class, () -> s.put(null, b("v"))).getMessage().contains("key"));
            assertTrue(assertThrows(NullPointerException.class, () -> s.put(b("k"), null)).getMessage().contains("value"));
            assertThrows(NullPointerException.class, () -> s.delete(null));
            assertThrows(NullPointerException.class, () -> s.get(null));
            assertThrows(NullPointerException.class, () -> new WriteBatch().put(null, b("v")));
            assertThrows(NullPointerException.class, () -> s.iterator(null, false));
            assertEquals(0, s.lastRevision(), "nothing was written");
        }
    }

    @Test
    void oversizedEntriesAreRejectedAndTheStoreStaysUsable() {
        StoreOptions o = small(new MemFileSystem()).toBuilder().maxKeySizeBytes(16).maxValueSizeBytes(100).build();
        try (Store s = Store.open(Path.of("/s"), o)) {
            s.put(b("a"), b("1"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.put(new byte[17], b("v")));
            assertTrue(e.getMessage().contains("maxKeySizeBytes"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> s.put(b("k"), new byte[101]));
            assertTrue(e.getMessage().contains("maxValueSizeBytes"), e.getMessage());
            WriteBatch bad = new WriteBatch().put(b("x"), b("1")).put(b("y"), new byte[101]);
            assertThrows(IllegalArgumentException.class, () -> s.write(bad));
            e = assertThrows(IllegalArgumentException.class, () -> s.ingest(bad));
            assertTrue(e.getMessage().contains("value of 101 bytes"), e.getMessage());
            WriteBatch badKey = new WriteBatch().put(b("x"), b("1")).delete(new byte[17]);
            e = assertThrows(IllegalArgumentException.class, () -> s.ingest(badKey));
            assertTrue(e.getMessage().contains("key of 17 bytes"), e.getMessage());
            assertNull(s.get(b("x")), "a rejected batch applies nothing");
            assertArrayEquals(b("1"), s.get(b("a")));
        }
    }

    @Test
    void useAfterCloseThrowsAndCloseIsIdempotent() {
        Store s = Store.open(Path.of("/s"), small(new MemFileSystem()));
        s.put(b("a"), b("1"));
        StoreIterator it = s.iterator(KeyRange.all(), false);
        Snapshot snap = s.snapshot();
        s.close();
        s.close();
        assertThrows(StoreClosedException.class, () -> s.put(b("a"), b("2")));
        assertThrows(StoreClosedException.class, () -> s.get(b("a")));
        assertThrows(StoreClosedException.class, () -> s.iterator(KeyRange.all(), false));
        assertThrows(StoreClosedException.class, s::snapshot);
        assertThrows(StoreClosedException.class, it::valid, "closing the store closes its iterators");
        assertThrows(StoreClosedException.class, () -> snap.get(b("a")), "and its snapshots");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFails() {
        Path dir = tmp.resolve("store");
        StoreOptions o = StoreOptions.builder().fileSystem(DiskFileSystem.instance()).build();
        try (Store s = Store.open(dir, o)) {
            s.put(b("k"), b("v"));
            StoreException e = assertThrows(StoreException.class, () -> Store.open(dir, o));
            assertTrue(e.getMessage().contains("LOCK") || e.getMessage().contains("lock"), e.getMessage());
        }
        try (Store s = Store.open(dir, o)) {
            assertArrayEquals(b("v"), s.get(b("k")), "a clean close flushes");
        }
    }

    @Test
    void openingAMissingStoreWithoutCreateFails() {
        StoreOptions o = small(new MemFileSystem()).toBuilder().createIfMissing(false).build();
        StoreException e = assertThrows(StoreException.class, () -> Store.open(Path.of("/nothing"), o));
        assertTrue(e.getMessage().contains("/nothing"), e.getMessage());
    }

    @Test
    void emptyAndInvertedRangesYieldNothing() {
        try (Store s = Store.open(Path.of("/s"), small(new MemFileSystem()))) {
            s.put(b("a"), b("1"));
            s.put(b("c"), b("3"));
            try (StoreIterator it = s.iterator(KeyRange.closed(b("c"), b("a")), false)) {
                assertFalse(it.valid());
            }
            try (StoreIterator it = s.iterator(KeyRange.of(b("a"), false, b("a"), true), true)) {
                assertFalse(it.valid());
            }
        }
    }

    @Test
    void prefixRangesHandleTrailingFfBytes() {
        try (Store s = Store.open(Path.of("/s"), small(new MemFileSystem()))) {
            byte[] p = {0x01, (byte) 0xFF};
            s.put(new byte[]{0x01, (byte) 0xFE}, b("before"));
            s.put(new byte[]{0x01, (byte) 0xFF}, b("in1"));
            s.put(new byte[]{0x01, (byte) 0xFF, 0x00}, b("in2"));
            s.put(new byte[]{0x01, (byte) 0xFF, (byte) 0xFF}, b("in3"));
            s.put(new byte[]{0x02}, b("after"));
            List<String> seen = new ArrayList<>();
            try (StoreIterator it = s.iterator(KeyRange.prefix(p), false)) {
                for (; it.valid(); it.next()) {
                    seen.add(new String(it.value(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(List.of("in1", "in2", "in3"), seen);
        }
    }

    @Test
    void snapshotsAndIteratorsIgnoreLaterWritesAndFlushes() {
        try (Store s = Store.open(Path.of("/s"), small(new MemFileSystem()))) {
            for (int i = 0; i < 100; i++) {
                s.put(b(String.format("k%03d", i)), b("old" + i));
            }
            Snapshot snap = s.snapshot();
            StoreIterator it = s.iterator(KeyRange.all(), false);
            for (int i = 0; i < 100; i += 2) {
                s.delete(b(String.format("k%03d", i)));
                s.put(b(String.format("k%03d", i + 1)), b("new"));
                s.put(b(String.format("z%03d", i)), b("added"));
            }
            s.flush();
            int n = 0;
            for (; it.valid(); it.next()) {
                assertArrayEquals(b("old" + n), it.value());
                n++;
            }
            it.close();
            assertEquals(100, n);
            assertArrayEquals(b("old0"), snap.get(b("k000")));
            assertNull(s.get(b("k000")));
            assertArrayEquals(b("new"), s.get(b("k001")));
            snap.close();
        }
    }

    @Test
    void readersSeeWholeBatchesWhileWritesAndFlushesRun() throws Exception {
        StoreOptions o = small(new MemFileSystem()).toBuilder().memtableSizeBytes(8192).build();
        try (Store s = Store.open(Path.of("/s"), o)) {
            int keys = 40;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int gen = 0; gen < 400 && failure.get() == null; gen++) {
                        WriteBatch batch = new WriteBatch();
                        for (int k = 0; k < keys; k++) {
                            batch.put(b(String.format("key%02d", k)), b("gen" + gen));
                        }
                        s.write(batch);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    stop.set(true);
                }
            });
            writer.start();
            int scans = 0;
            while (!stop.get() && failure.get() == null) {
                boolean reverse = (scans & 1) == 1;
                try (StoreIterator it = s.iterator(KeyRange.all(), reverse)) {
                    String gen = null;
                    int n = 0;
                    for (; it.valid(); it.next()) {
                        String v = new String(it.value(), StandardCharsets.UTF_8);
                        if (gen == null) {
                            gen = v;
                        }
                        assertEquals(gen, v, "a scan mixed two batches");
                        n++;
                    }
                    assertTrue(n == 0 || n == keys, "a scan saw " + n + " keys of a batch");
                }
                scans++;
            }
            writer.join();
            if (failure.get() != null) {
                throw new AssertionError("writer failed", failure.get());
            }
            assertTrue(scans > 0);
            StoreStats st = s.stats();
            assertTrue(st.flushes().count() > 0, "the test should have flushed: " + st);
        }
    }

    @Test
    void statsDescribeTheStore() {
        try (Store s = Store.open(Path.of("/s"), small(new MemFileSystem()))) {
            for (int i = 0; i < 500; i++) {
                s.put(b("k" + i), new byte[50]);
            }
            s.flush();
            StoreStats st = s.stats();
            assertEquals(500, st.revisions().last());
            assertTrue(st.tables().levels().get(0).files() > 0, st.toString());
            assertTrue(st.tables().liveBytes() > 0, st.toString());
            assertEquals(0, st.memtables().frozen());
            assertEquals(500, st.approximateEntries());
        }
    }
}
