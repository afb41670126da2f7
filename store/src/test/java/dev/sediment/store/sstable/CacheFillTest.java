package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table's data blocks put into the block cache as they are written ({@link CacheFill}). */
class CacheFillTest {
    private static final Path PATH = Path.of("/fill/000001.sst");
    private static final int ENTRIES = 2000;

    private static byte[] key(int i) {
        return String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value" + i + "-".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }

    private static TableOptions options(Compression c) {
        return new TableOptions(1024, 16, 10, c, 1);
    }

    private static TableProperties write(MemFileSystem fs, Compression c, CacheFill fill) throws IOException {
        fs.createDirectories(PATH.getParent());
        TableWriter w = new TableWriter(PATH, fs.create(PATH), options(c), fill);
        for (int i = 0; i < ENTRIES; i++) {
            w.add(key(i), InternalKeys.trailer(i + 1, KeyKind.PUT), value(i));
        }
        return w.finish();
    }

    @Test
    void aReaderOpenedWithTheFillsIdReadsEveryBlockFromTheCache() throws IOException {
        for (Compression c : new Compression[]{Compression.NONE, Compression.ZSTD, Compression.LZ4}) {
            MemFileSystem fs = new MemFileSystem();
            BlockCache cache = new BlockCache(4 << 20);
            long id = BlockCache.newTableId();
            TableProperties p = write(fs, c, new CacheFill(cache, id, null));
            assertTrue(cache.usedBytes() > 0);
            try (TableReader r = TableReader.open(PATH, fs.openReadable(PATH), cache, id);
                 InternalIterator it = r.iterator()) {
                int i = 0;
                for (it.seekToFirst(); it.valid(); it.next(), i++) {
                    assertArrayEquals(key(i), it.userKey(), c.name());
                    assertArrayEquals(value(i), it.value(), c.name());
                }
                assertEquals(ENTRIES, i);
                assertEquals(0, cache.misses(), c + ": every block was cached as written");
                assertEquals(p.dataBlocks(), cache.hits(), c.name());
            }
        }
    }

    @Test
    void anAbandonedTableLeavesNoBlockInTheCache() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        fs.createDirectories(PATH.getParent());
        BlockCache cache = new BlockCache(4 << 20);
        TableWriter w = new TableWriter(PATH, fs.create(PATH), options(Compression.NONE),
                new CacheFill(cache, BlockCache.newTableId(), null));
        for (int i = 0; i < ENTRIES; i++) {
            w.add(key(i), InternalKeys.trailer(i + 1, KeyKind.PUT), value(i));
        }
        assertTrue(cache.usedBytes() > 0);
        w.abandon();
        assertEquals(0, cache.usedBytes());
    }

    @Test
    void creditPaysForOutputBlocksOnlyUpToWhatWasFoundCachedAndItsCap() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        BlockCache cache = new BlockCache(4 << 20);
        CacheCredit none = new CacheCredit(1 << 20);
        write(fs, Compression.NONE, new CacheFill(cache, BlockCache.newTableId(), none));
        assertEquals(0, cache.usedBytes(), "no credit, nothing cached");

        CacheCredit credit = new CacheCredit(3000);
        credit.found(2000);
        credit.found(2000); // capped at 3000
        assertTrue(credit.take(1000));
        assertTrue(credit.take(2000));
        assertFalse(credit.take(1));
    }

    @Test
    void aCompactionsReadOfCachedBlocksEarnsCreditWithoutTouchingTheCounts() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        BlockCache cache = new BlockCache(4 << 20);
        long id = BlockCache.newTableId();
        write(fs, Compression.ZSTD, new CacheFill(cache, id, null));
        long cachedBytes = cache.usedBytes();
        CacheCredit credit = new CacheCredit(Long.MAX_VALUE);
        try (TableReader r = TableReader.open(PATH, fs.openReadable(PATH), cache, id);
             InternalIterator it = r.iterator(credit)) {
            int n = 0;
            for (it.seekToFirst(); it.valid(); it.next()) {
                n++;
            }
            assertEquals(ENTRIES, n);
        }
        assertEquals(0, cache.hits() + cache.misses());
        assertTrue(credit.take((int) Math.min(Integer.MAX_VALUE, cachedBytes / 2)), "earned the blocks' bytes");
    }
}
