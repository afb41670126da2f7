package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readahead: a compaction's pass and a long scan read many blocks per {@code pread} and return exactly what
 * block-at-a-time reads return; a point read reads one block; damage read through the readahead buffer is
 * still caught.
 */
class ReadaheadTest {
    private static final int ENTRIES = 4000;

    @TempDir
    Path dir;

    /** A file that counts its reads. */
    private static final class CountingFile implements ReadableFile {
        final ReadableFile inner;
        int reads;

        CountingFile(ReadableFile inner) {
            this.inner = inner;
        }

        @Override
        public void readFully(long position, byte[] dst, int off, int len) throws IOException {
            reads++;
            inner.readFully(position, dst, off, len);
        }

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            reads++;
            inner.readFully(position, dst);
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private Path writeTable() throws IOException {
        TreeMap<TestTables.Key, byte[]> model = TestTables.newModel();
        for (int i = 0; i < ENTRIES; i++) {
            model.put(new TestTables.Key(String.format("key-%06d", i).getBytes(), InternalKeys.trailer(i + 1, KeyKind.PUT)),
                    ("value-" + i + "-" + "v".repeat(i % 50)).getBytes());
        }
        Path path = dir.resolve("t.sst");
        TestTables.write(path, new TableOptions(1024, 16, 10, Compression.ZSTD, 1), BlockCodec.create(), model);
        return path;
    }

    private static TableReader open(Path path, CountingFile file, BlockCache cache) throws IOException {
        return TableReader.open(path, file, cache);
    }

    private static int blocks(TableReader r) {
        int n = 0;
        BlockIterator index = new BlockIterator(r.indexBlock());
        for (index.seekToFirst(); index.valid(); index.next()) {
            n++;
        }
        return n;
    }

    @Test
    void aCompactionPassReadsManyBlocksPerReadAndTheSameEntries() throws IOException {
        Path path = writeTable();
        List<TestTables.Entry> expected;
        int blocks;
        try (TableReader plain = TestTables.open(path, null)) {
            blocks = blocks(plain);
            expected = scanOneBlockAtATime(plain);
        }
        CountingFile file = new CountingFile(DiskFileSystem.instance().openReadable(path));
        try (TableReader r = open(path, file, null)) {
            int opening = file.reads;
            List<TestTables.Entry> scanned;
            try (InternalIterator it = r.iterator(false)) {
                scanned = TestTables.scanForward(it);
            }
            assertSame(expected, scanned);
            int reads = file.reads - opening;
            long bytes = Files.size(path);
            assertTrue(blocks > 100, blocks + " blocks: the table must span many readaheads");
            assertTrue(reads <= bytes / Readahead.MAX_BYTES + 2,
                    reads + " reads for " + blocks + " blocks in " + bytes + " bytes");
        }
    }

    @Test
    void aLongScanTurnsToReadaheadAndAPointReadDoesNot() throws IOException {
        Path path = writeTable();
        CountingFile file = new CountingFile(DiskFileSystem.instance().openReadable(path));
        try (TableReader r = open(path, file, new BlockCache(64 << 20))) {
            int blocks = blocks(r);
            int before = file.reads;
            try (InternalIterator it = r.iterator()) {
                it.seek("key-002000".getBytes(), InternalKeys.seekTrailer(InternalKeys.MAX_REVISION));
                assertTrue(it.valid());
                it.next();
            }
            assertEquals(1, file.reads - before, "a seek and a next read one block");

            before = file.reads;
            List<TestTables.Entry> scanned;
            try (InternalIterator it = r.iterator()) {
                scanned = TestTables.scanForward(it);
            }
            assertEquals(ENTRIES, scanned.size());
            int reads = file.reads - before;
            assertTrue(reads < blocks / 4, reads + " reads for " + blocks + " blocks");

            before = file.reads;
            try (InternalIterator it = r.iterator()) {
                assertEquals(ENTRIES, TestTables.scanForward(it).size());
            }
            assertEquals(0, file.reads - before, "a second scan finds every block cached");
        }
    }

    @Test
    void damageInABlockReadAheadIsCaught() throws IOException {
        Path path = writeTable();
        byte[] bytes = Files.readAllBytes(path);
        long target;
        try (TableReader r = TestTables.open(path, null)) {
            BlockIterator index = new BlockIterator(r.indexBlock());
            index.seekToFirst();
            for (int i = 0; i < 50; i++) {
                index.next(); // well inside the readahead of a forward pass
            }
            index.decodeHandle();
            target = index.handleOffset();
        }
        bytes[(int) target + 3] ^= 0x40;
        Path damaged = dir.resolve("damaged.sst");
        Files.write(damaged, bytes);
        for (boolean fillCache : new boolean[] {false, true}) {
            try (TableReader r = TestTables.open(damaged, null); InternalIterator it = r.iterator(fillCache)) {
                CorruptionException e = assertThrows(CorruptionException.class, () -> TestTables.scanForward(it));
                assertEquals(damaged, e.file());
                assertTrue(e.getMessage().contains("offset " + target) || e.getMessage().contains(Long.toString(target)),
                        e.getMessage());
            }
        }
    }

    /** Every block read alone: a seek per entry from a fresh iterator would, but a reverse scan does too. */
    private static List<TestTables.Entry> scanOneBlockAtATime(TableReader r) {
        try (InternalIterator it = r.iterator()) {
            List<TestTables.Entry> backward = TestTables.scanBackward(it);
            java.util.Collections.reverse(backward);
            return backward;
        }
    }

    private static void assertSame(List<TestTables.Entry> expected, List<TestTables.Entry> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(0, TestTables.ORDER.compare(expected.get(i).key(), actual.get(i).key()), "entry " + i);
            assertArrayEquals(expected.get(i).value(), actual.get(i).value(), "value " + i);
        }
    }
}
