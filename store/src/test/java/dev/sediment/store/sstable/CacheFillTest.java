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
            TableProperties p = write(fs, c, new CacheFill(cache, id));
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
                new CacheFill(cache, BlockCache.newTableId()));
        for (int i = 0; i < ENTRIES; i++) {
            w.add(key(i), InternalKeys.trailer(i + 1, KeyKind.PUT), value(i));
        }
        assertTrue(cache.usedBytes() > 0);
        w.abandon();
        assertEquals(0, cache.usedBytes());
    }
}
