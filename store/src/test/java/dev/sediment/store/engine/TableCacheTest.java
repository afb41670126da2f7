package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.sstable.TableOptions;
import dev.sediment.store.sstable.TableReader;
import dev.sediment.store.sstable.TableWriter;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table cache's lock-free pins: readers pinning tables while a small capacity evicts them never see a
 * closed reader, and every file handle is closed once the pins are released and the cache is closed.
 */
class TableCacheTest {
    private static final int TABLES = 8;

    @Test
    void pinnedReadersStayOpenWhileEvictionChurnsAndNothingLeaks() throws Exception {
        long seed = Seeds.seed("TableCacheTest.pinnedReadersStayOpenWhileEvictionChurnsAndNothingLeaks");
        MemFileSystem fs = new MemFileSystem();
        Path dir = Path.of("/tables");
        fs.createDirectories(dir);
        for (long n = 1; n <= TABLES; n++) {
            Path path = FileNames.table(dir, n);
            TableWriter w = new TableWriter(path, fs.create(path), TableOptions.defaults());
            w.add(key(n), InternalKeys.trailer(n, KeyKind.PUT), key(n));
            w.finish();
        }
        TableCache cache = new TableCache(fs, dir, new BlockCache(1 << 20), 2);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Random rnd = new Random(seed + t);
            boolean handles = t % 2 == 0; // both acquire forms
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2_000 * Seeds.multiplier(); i++) {
                    long n = 1 + rnd.nextInt(TABLES);
                    if (handles) {
                        TableCache.Handle h = cache.acquire(n);
                        try {
                            check(h.reader().iterator(), n);
                        } finally {
                            h.release();
                        }
                    } else {
                        TableCache.Entry e = cache.pin(n);
                        try {
                            check(e.reader().iterator(), n);
                        } finally {
                            e.unpin();
                        }
                    }
                    if (rnd.nextInt(50) == 0) {
                        cache.evict(1 + rnd.nextInt(TABLES));
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
        assertEquals(List.of(), failures, "seed=" + seed);
        assertTrue(cache.openTables() <= 2, "seed=" + seed);
        cache.close();
        assertEquals(0, fs.openHandles(), "seed=" + seed + ": a table reader was never closed");
    }

    @Test
    void peekTakesNoReferenceAndAnEvictedReadersFilterStillAnswersForItsFile() throws Exception {
        MemFileSystem fs = new MemFileSystem();
        Path dir = Path.of("/tables");
        fs.createDirectories(dir);
        for (long n = 1; n <= 2; n++) {
            Path path = FileNames.table(dir, n);
            TableWriter w = new TableWriter(path, fs.create(path), TableOptions.defaults());
            w.add(key(n), InternalKeys.trailer(n, KeyKind.PUT), key(n));
            w.finish();
        }
        TableCache cache = new TableCache(fs, dir, new BlockCache(1 << 20), 2);
        assertNull(cache.peek(1), "not open yet: the caller pins (which opens it)");
        cache.pin(1).unpin();
        TableReader peeked = cache.peek(1);
        assertNotNull(peeked);
        assertTrue(peeked.mayContainHash(TableReader.keyHash(key(1))));
        assertEquals(1, cache.openTables());
        cache.evict(1); // no reference was taken by the peek: the reader closes now
        assertEquals(0, fs.openHandles(), "a peek kept the file open");
        assertNull(cache.peek(1));
        assertTrue(peeked.mayContainHash(TableReader.keyHash(key(1))), "the closed reader's filter still answers");
        assertFalse(peeked.mayContainHash(TableReader.keyHash(key(2))) && peeked.mayContainHash(TableReader.keyHash(
                "surely-absent".getBytes(StandardCharsets.UTF_8))), "and still refuses");
        cache.close();
    }

    private static void check(InternalIterator it, long n) {
        try (it) {
            it.seekToFirst();
            assertArrayEquals(key(n), it.userKey());
        }
    }

    private static byte[] key(long n) {
        return ("table-" + n).getBytes(StandardCharsets.UTF_8);
    }
}
