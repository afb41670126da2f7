package dev.sediment.store.engine;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.CompactionOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.Compression;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store.dropRange removes whole tables by one manifest edit; compaction outputs cut at key-prefix boundaries. */
class RangeDropTest {
    private static final Path DIR = Path.of("/range-drop/store");

    private static StoreOptions options(MemFileSystem fs, int cutPrefixBytes) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(1 << 20).compression(Compression.NONE)
                .compaction(CompactionOptions.defaults().toBuilder().cutPrefixBytes(cutPrefixBytes).build())
                .build();
    }

    /** An 8-byte segment prefix, then a record number. */
    private static byte[] key(long segment, int i) {
        return ByteBuffer.allocate(12).putLong(segment).putInt(i).array();
    }

    private static byte[] segmentStart(long segment) {
        return ByteBuffer.allocate(8).putLong(segment).array();
    }

    private static List<FileMetadata> tables(Engine e) {
        List<FileMetadata> all = new ArrayList<>();
        Version v = e.currentVersion();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            all.addAll(v.files(level));
        }
        return all;
    }

    @Test
    void dropsTablesWhollyInTheRangeAndKeepsTheRest() {
        MemFileSystem fs = new MemFileSystem();
        // No L0 compaction of the five tables before the drop (with no cut prefix it would merge segments 0-3).
        StoreOptions noCompaction = options(fs, 0).toBuilder()
                .compaction(CompactionOptions.defaults().toBuilder().l0CompactionTrigger(10).build()).build();
        try (Engine e = Engine.open(DIR, noCompaction)) {
            for (long segment = 0; segment < 5; segment++) {
                for (int i = 0; i < 100; i++) {
                    e.put(key(segment, i), ("v" + segment + "." + i).getBytes());
                }
                e.flush(); // one table per segment
            }
            long tombstones = tables(e).stream().mapToLong(FileMetadata::tombstones).sum();
            long sstBefore = e.stats().tables().liveBytes();
            DroppedTables d = e.dropRange(KeyRange.of(segmentStart(0), true, segmentStart(3), false));
            assertEquals(3, d.tables());
            assertTrue(d.bytes() > 0 && d.bytes() < sstBefore, d.toString());
            assertEquals(sstBefore - d.bytes(), e.stats().tables().liveBytes());
            assertEquals(tombstones, tables(e).stream().mapToLong(FileMetadata::tombstones).sum(), "no tombstone written");
            assertNull(e.get(key(1, 5)));
            assertArrayEquals("v3.5".getBytes(), e.get(key(3, 5)));
            assertEquals(DroppedTables.NONE, e.dropRange(KeyRange.of(segmentStart(0), true, segmentStart(3), false)),
                    "calling again finds nothing");
            EngineInvariants.check(e);
        }
        // The edit is in the manifest: a reopen still lacks the dropped tables, and their files are gone.
        try (Engine e = Engine.open(DIR, options(fs, 0))) {
            assertEquals(2, tables(e).size());
            assertNull(e.get(key(2, 99)));
            assertArrayEquals("v4.99".getBytes(), e.get(key(4, 99)));
        }
    }

    @Test
    void aTableStraddlingTheBoundaryStaysUntilCompactionCutsIt() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(fs, 8))) {
            for (long segment = 0; segment < 4; segment++) {
                for (int i = 0; i < 50; i++) {
                    e.put(key(segment, i), new byte[20]);
                }
            }
            e.flush(); // one table holding all four segments
            KeyRange below2 = KeyRange.of(segmentStart(0), true, segmentStart(2), false);
            assertEquals(DroppedTables.NONE, e.dropRange(below2));
            e.compactRange(null, null); // outputs cut where the 8-byte prefix changes
            for (FileMetadata f : tables(e)) {
                assertArrayEquals(Arrays.copyOf(f.smallestKey(), 8), Arrays.copyOf(f.largestKey(), 8),
                        "one segment per table: " + f);
            }
            assertEquals(4, tables(e).size());
            assertEquals(2, e.dropRange(below2).tables());
            assertArrayEquals(new byte[20], e.get(key(2, 0)));
            EngineInvariants.check(e);
        }
    }

    /**
     * The background loop holds the compaction lock for as long as it finds work; a drop that needed the lock
     * was put off all that while (a window store's expired segments then piled up on disk). Held by another
     * thread here, the drop still goes through.
     */
    @Test
    void aBusyCompactionLoopDoesNotPutOffTheDrop() throws Exception {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(fs, 8))) {
            for (long segment = 0; segment < 3; segment++) {
                for (int i = 0; i < 50; i++) {
                    e.put(key(segment, i), new byte[20]);
                }
                e.flush(); // one table per segment
            }
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread compactionLoop = new Thread(() -> {
                e.compactionLock().lock();
                try {
                    held.countDown();
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } finally {
                    e.compactionLock().unlock();
                }
            }, "holds-compaction-lock");
            compactionLoop.start();
            try {
                assertTrue(held.await(30, TimeUnit.SECONDS), "the lock holder started");
                assertEquals(2, e.dropRange(KeyRange.of(segmentStart(0), true, segmentStart(2), false)).tables());
            } finally {
                release.countDown();
                compactionLoop.join();
            }
            assertEquals(1, tables(e).size());
            assertArrayEquals(new byte[20], e.get(key(2, 0)));
            EngineInvariants.check(e);
        }
    }
}
