package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.StoreException;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.sediment.store.sstable.TestTables.Key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block cache use, compression choices and fallback, writer preconditions, concurrent readers. */
class TableReaderTest {
    @TempDir
    Path dir;

    private static TreeMap<Key, byte[]> model(int n, boolean compressible, long seed) {
        Random rnd = new Random(seed);
        TreeMap<Key, byte[]> model = TestTables.newModel();
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[100];
            if (compressible) {
                value[i % 100] = (byte) i;
            } else {
                rnd.nextBytes(value);
            }
            model.put(new Key(String.format("key-%08d", i).getBytes(), InternalKeys.trailer(i + 1, KeyKind.PUT)), value);
        }
        return model;
    }

    /** The compression code in the trailer of every data block. */
    private static List<Compression> dataBlockCompressions(Path path, TableReader r) throws Exception {
        byte[] file = Files.readAllBytes(path);
        BlockIterator index = new BlockIterator(r.indexBlock());
        List<Compression> out = new ArrayList<>();
        for (index.seekToFirst(); index.valid(); index.next()) {
            BlockHandle h = index.valueAsHandle();
            out.add(Compression.fromCode(file[(int) (h.offset() + h.sizeBytes())]));
        }
        return out;
    }

    @Test
    void secondScanHitsTheCacheAndCloseEvicts() throws Exception {
        Path path = dir.resolve("cache.sst");
        TestTables.write(path, new TableOptions(1024, 16, 10, Compression.ZSTD, 1), BlockCodec.create(),
                model(2000, true, 1));
        BlockCache cache = new BlockCache(64 << 20);
        TableReader r = TestTables.open(path, cache);
        assertTrue(r.residentBytes() > 2000 * 10 / 8, "index and filter counted: " + r.residentBytes());
        assertEquals(r.residentBytes(), cache.pinnedBytes(), "an open table pins what it keeps in memory");
        assertEquals(r.residentBytes(), cache.usedBytes());
        try (InternalIterator it = r.iterator()) {
            TestTables.scanForward(it);
        }
        long blocks = r.properties().dataBlocks();
        assertTrue(blocks > 10, "blocks " + blocks);
        assertEquals(blocks, cache.misses());
        long hitsAfterFirst = cache.hits();
        assertTrue(cache.usedBytes() > r.residentBytes(), "blocks cached");
        try (InternalIterator it = r.iterator()) {
            assertEquals(2000, TestTables.scanForward(it).size());
        }
        assertEquals(blocks, cache.misses(), "second scan read from disk");
        assertEquals(hitsAfterFirst + blocks, cache.hits());
        r.close();
        r.close(); // idempotent
        assertEquals(0, cache.pinnedBytes());
        assertEquals(0, cache.usedBytes());
    }

    @Test
    void zstdShrinksCompressibleBlocksAndStoresIncompressibleOnesRaw() throws Exception {
        TableOptions zstd = new TableOptions(4096, 16, 10, Compression.ZSTD, 3);
        Path compressible = dir.resolve("compressible.sst");
        Path random = dir.resolve("random.sst");
        TableProperties pc = TestTables.write(compressible, zstd, BlockCodec.create(), model(2000, true, 2));
        TableProperties pr = TestTables.write(random, zstd, BlockCodec.create(), model(2000, false, 3));
        assertTrue(pc.fileSizeBytes() < pr.fileSizeBytes() / 3, pc.fileSizeBytes() + " vs " + pr.fileSizeBytes());
        try (TableReader r = TestTables.open(compressible, null)) {
            assertEquals(Compression.ZSTD, r.compression());
            assertFalse(dataBlockCompressions(compressible, r).contains(Compression.NONE));
        }
        try (TableReader r = TestTables.open(random, null); InternalIterator it = r.iterator()) {
            assertEquals(Compression.ZSTD, r.compression());
            assertFalse(dataBlockCompressions(random, r).contains(Compression.ZSTD),
                    "random values do not shrink by 12.5%: blocks must be stored raw");
            assertEquals(2000, TestTables.scanForward(it).size());
        }
    }

    @Test
    void codecStoresRawWhenCompressionSavesLessThanAnEighth() {
        BlockCodec codec = BlockCodec.create();
        Random rnd = new Random(4);
        byte[] random = new byte[4096];
        rnd.nextBytes(random);
        byte[] zeros = new byte[4096];
        for (byte[] raw : new byte[][]{random, zeros, new byte[0]}) {
            dev.sediment.store.encoding.ByteWriter out = new dev.sediment.store.encoding.ByteWriter();
            int size = codec.encode(raw, 0, raw.length, Compression.ZSTD, 1, out);
            byte[] stored = out.toByteArray();
            assertEquals(size + BlockCodec.TRAILER_BYTES, stored.length);
            Compression c = Compression.fromCode(stored[size]);
            assertEquals(raw == zeros ? Compression.ZSTD : Compression.NONE, c);
            assertArrayEquals(raw, codec.decode(dir, 0, stored));
        }
    }

    @Test
    void withoutZstdTablesAreWrittenUncompressedAndReadable() throws Exception {
        Path path = dir.resolve("fallback.sst");
        BlockCodec noZstd = new BlockCodec(false);
        TreeMap<Key, byte[]> model = model(2000, true, 5);
        TestTables.write(path, new TableOptions(4096, 16, 10, Compression.ZSTD, 1), noZstd, model);
        try (TableReader r = TestTables.open(path, null); InternalIterator it = r.iterator()) {
            assertEquals(Compression.NONE, r.compression());
            assertFalse(dataBlockCompressions(path, r).contains(Compression.ZSTD));
            assertEquals(model.size(), TestTables.scanForward(it).size());
        }
        // A zstd table read where zstd is unavailable fails clearly instead of returning garbage.
        Path zstdPath = dir.resolve("zstd.sst");
        TestTables.write(zstdPath, new TableOptions(4096, 16, 10, Compression.ZSTD, 1), BlockCodec.create(), model);
        StoreException e = assertThrows(StoreException.class, () -> {
            try (TableReader r = TableReader.open(zstdPath, DiskFileSystem.instance().openReadable(zstdPath), null,
                    noZstd); InternalIterator it = r.iterator()) {
                TestTables.scanForward(it);
            }
        });
        assertTrue(e.getMessage().contains("zstd-jni is unavailable"), e.getMessage());
    }

    @Test
    void writerChecksOrderAndPreconditions() throws Exception {
        Path path = dir.resolve("order.sst");
        TableWriter w = new TableWriter(path, DiskFileSystem.instance().create(path), TableOptions.defaults());
        assertThrows(IllegalStateException.class, w::finish);
        w.add("b".getBytes(), InternalKeys.trailer(5, KeyKind.PUT), "v".getBytes());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> w.add("b".getBytes(), InternalKeys.trailer(5, KeyKind.PUT), "v".getBytes()));
        assertTrue(same.getMessage().contains("b#5,PUT"), same.getMessage());
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> w.add("b".getBytes(), InternalKeys.trailer(6, KeyKind.PUT), "v".getBytes()));
        assertTrue(newer.getMessage().contains("b#6,PUT") && newer.getMessage().contains("b#5,PUT"));
        assertThrows(IllegalArgumentException.class,
                () -> w.add("a".getBytes(), InternalKeys.trailer(1, KeyKind.PUT), "v".getBytes()));
        w.add("b".getBytes(), InternalKeys.trailer(4, KeyKind.DELETE), new byte[0]);
        assertEquals(2, w.entries());
        assertTrue(w.estimatedSizeBytes() > 0);
        w.abandon();
        w.abandon();
        assertThrows(IllegalStateException.class,
                () -> w.add("c".getBytes(), InternalKeys.trailer(1, KeyKind.PUT), "v".getBytes()));
    }

    @Test
    void finishReportsTheFileSizeAndClosesTheFile() throws Exception {
        Path path = dir.resolve("finish.sst");
        TableWriter w = new TableWriter(path, DiskFileSystem.instance().create(path), TableOptions.defaults());
        w.add("a".getBytes(), InternalKeys.trailer(1, KeyKind.PUT), "v".getBytes());
        TableProperties p = w.finish();
        assertEquals(Files.size(path), p.fileSizeBytes());
        w.abandon(); // no-op after finish
        assertThrows(IllegalStateException.class, w::finish);
    }

    @Test
    void concurrentIteratorsReadOneTable() throws Exception {
        Path path = dir.resolve("concurrent.sst");
        TreeMap<Key, byte[]> model = model(5000, true, 6);
        TestTables.write(path, new TableOptions(512, 16, 10, Compression.ZSTD, 1), BlockCodec.create(), model);
        List<Key> keys = new ArrayList<>(model.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (TableReader r = TestTables.open(path, new BlockCache(256 << 10))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    try (InternalIterator it = r.iterator()) {
                        for (int i = 0; i < 3000; i++) {
                            Key k = keys.get(rnd.nextInt(keys.size()));
                            it.seek(k.userKey(), k.trailer());
                            assertTrue(it.valid());
                            assertArrayEquals(k.userKey(), it.userKey());
                            assertArrayEquals(model.get(k), it.value());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void separatorsLieBetweenTheirKeys() {
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] a = randomKey(rnd);
            byte[] b = randomKey(rnd);
            int c = InternalKeys.compareUserKeys(a, b);
            if (c == 0) {
                continue;
            }
            if (c > 0) {
                byte[] t = a;
                a = b;
                b = t;
            }
            byte[] s = KeySeparators.shortestSeparator(a, a.length, b);
            if (s != null) {
                assertTrue(s.length < a.length);
                assertTrue(InternalKeys.compareUserKeys(a, s) < 0 && InternalKeys.compareUserKeys(s, b) < 0);
            }
            byte[] succ = KeySeparators.shortSuccessor(a, a.length);
            if (succ != null) {
                assertTrue(succ.length < a.length && InternalKeys.compareUserKeys(a, succ) < 0);
            }
        }
        assertArrayEquals("abd".getBytes(), KeySeparators.shortestSeparator("abcdef".getBytes(), 6, "abzz".getBytes()));
        assertArrayEquals("abce".getBytes(), KeySeparators.shortestSeparator("abcdef".getBytes(), 6, "abd".getBytes()));
    }

    private static byte[] randomKey(Random rnd) {
        byte[] k = new byte[rnd.nextInt(5)];
        byte[] alphabet = {0, 1, (byte) 0xFE, (byte) 0xFF, 'a', 'b'};
        for (int i = 0; i < k.length; i++) {
            k[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return k;
    }
}
