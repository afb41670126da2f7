package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compaction in the engine: tombstones never resurrect, snapshots keep their versions. */
@Timeout(120)
class EngineCompactionTest {
    private static final Path DIR = Path.of("/compaction/store");

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, String tag) {
        return (tag + i + "-".repeat(40)).getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(FileSystem fs) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(8 << 10)
                .blockSizeBytes(512)
                .compaction(CompactionOptions.builder()
                        .l0CompactionTrigger(2)
                        .baseLevelTargetBytes(16 << 10)
                        .levelSizeMultiplier(4)
                        .targetFileSizeBytes(4 << 10)
                        .maxCompactionBytes(64 << 10)
                        .maxGrandparentOverlapBytes(16 << 10)
                        .build())
                .build();
    }

    private static long tombstones(Engine s) {
        long n = 0;
        Version v = s.currentVersion();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                n += f.tombstones();
            }
        }
        return n;
    }

    /** Tables whose tombstones are at least half their entries (the default density trigger). */
    private static int denseTables(Engine s) {
        int n = 0;
        Version v = s.currentVersion();
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                if (f.tombstones() > 0 && 2 * f.tombstones() >= f.entries()) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int liveKeys(Engine s) {
        int n = 0;
        try (StoreIterator it = s.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void deletedKeysStayDeletedThroughPartialCompactionsAndReopen() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine s = Engine.open(DIR, options(fs))) {
            for (int i = 0; i < 2000; i++) {
                s.put(key(i), value(i, "v"));
            }
            s.compactRange(null, null); // everything at the bottom
            for (int i = 0; i < 1000; i++) {
                s.delete(key(i));
            }
            s.flush();
            s.compactRange(key(0), key(300)); // a partial compaction: tombstones above older data
            EngineInvariants.check(s);
            for (int i = 0; i < 2000; i++) {
                byte[] got = s.get(key(i));
                if (i < 1000) {
                    assertNull(got, "deleted key " + i + " came back");
                } else {
                    assertArrayEquals(value(i, "v"), got);
                }
            }
        }
        try (Engine s = Engine.open(DIR, options(fs))) {
            assertNull(s.get(key(500)), "deleted key came back after reopen");
            assertEquals(1000, liveKeys(s));
            s.compactRange(null, null);
            EngineInvariants.check(s);
            assertEquals(0, tombstones(s), "a full compaction drops tombstones no one needs");
            assertEquals(1000, liveKeys(s));
            assertNull(s.get(key(10)));
        }
        try (Engine s = Engine.open(DIR, options(fs))) {
            assertEquals(1000, liveKeys(s), "still deleted after the tombstones are gone");
        }
    }

    /**
     * A compaction's reads neither fill the block cache nor count in its hit rate: it passes over every block
     * of tables it is about to delete once, and would push out the blocks gets keep coming back to. Written
     * here with a zero-byte cache and reopened, so that the cache is cold when the compaction runs.
     */
    @Test
    void compactionReadsDoNotFillTheBlockCache() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine s = Engine.open(DIR, options(fs).toBuilder().blockCacheSizeBytes(0).build())) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 300; i++) {
                    s.put(key(i), value(i, "r" + round));
                }
                s.flush();
            }
        }
        try (Engine s = Engine.open(DIR, options(fs).toBuilder().blockCacheSizeBytes(1 << 20).build())) {
            s.compactRange(null, null);
            assertEquals(0, blockBytes(s), "compaction reads bypass the cache");
            assertEquals(0, s.stats().cache().hits() + s.stats().cache().misses());
            assertArrayEquals(value(0, "r2"), s.get(key(0)));
            assertEquals(1, s.stats().cache().misses());
            assertTrue(blockBytes(s) > 0, "a get caches the block it read");
            assertArrayEquals(value(1, "r2"), s.get(key(1)));
            assertEquals(1, s.stats().cache().hits(), "the next key of that block is a hit");
        }
    }

    @Test
    void byDefaultAFlushPutsNoBlockInTheCache() {
        StoreOptions options = options(new MemFileSystem()).toBuilder()
                .memtableSizeBytes(1 << 20) // one table
                .blockCacheSizeBytes(1 << 20)
                .build();
        assertFalse(options.cacheFlushedBlocks());
        try (Engine s = Engine.open(DIR, options)) {
            s.compactionLock().lock(); // no compaction rewrites the table between the counts
            for (int i = 0; i < 300; i++) {
                s.put(key(i), value(i, "r0"));
            }
            s.flush();
            assertEquals(1, s.currentVersion().files(0).size());
            assertEquals(0, blockBytes(s), "the flush cached nothing");
            assertArrayEquals(value(0, "r0"), s.get(key(0)));
            assertEquals(1, s.stats().cache().misses(), "the first get of the new table reads its block");
            assertArrayEquals(value(1, "r0"), s.get(key(1)));
            assertEquals(1, s.stats().cache().hits(), "and caches it");
            s.compactionLock().unlock();
        }
    }

    @Test
    void aGetOfAJustFlushedKeyIsACacheHitAndACompactionCachesNoOutput() {
        StoreOptions options = options(new MemFileSystem()).toBuilder()
                .memtableSizeBytes(1 << 20) // one table per round
                .blockCacheSizeBytes(1 << 20)
                .cacheFlushedBlocks(true)
                .build();
        try (Engine s = Engine.open(DIR, options)) {
            for (int i = 0; i < 300; i++) {
                s.put(key(i), value(i, "r0"));
            }
            s.flush();
            assertTrue(blockBytes(s) > 0, "the flush put the blocks it wrote into the cache");
            assertEquals(0, s.stats().cache().misses());
            for (int i = 0; i < 300; i++) {
                assertArrayEquals(value(i, "r0"), s.get(key(i)));
            }
            assertEquals(0, s.stats().cache().misses(), "every get of a just-flushed key is a cache hit");
            assertEquals(0, s.stats().cache().missReadBytes());
            assertTrue(s.stats().cache().hits() >= 300);

            for (int i = 0; i < 300; i++) {
                s.put(key(i), value(i, "r1"));
            }
            s.flush();
            s.compactRange(null, null);
            assertEquals(0, s.currentVersion().files(0).size());
            // Measured on the bench's get workload, caching compaction output (as much as its inputs had
            // cached) lowered the hit rate: while a compaction runs its output pushes out blocks gets use.
            assertEquals(0, blockBytes(s), "the inputs' blocks left with them, and the output was not cached");
            assertArrayEquals(value(0, "r1"), s.get(key(0)));
            assertEquals(1, s.stats().cache().misses());
            assertTrue(s.stats().cache().missReadBytes() > 0);
        }
    }

    @Test
    void flushesFillTheCacheOnlyUpToItsCapacity() {
        int capacity = 64 << 10;
        StoreOptions options = options(new MemFileSystem()).toBuilder()
                .memtableSizeBytes(1 << 20)
                .blockCacheSizeBytes(capacity)
                .cacheFlushedBlocks(true)
                .build();
        try (Engine s = Engine.open(DIR, options)) {
            for (int i = 0; i < 3000; i++) { // about 200 KB of blocks, three times the cache
                s.put(key(i), value(i, "v"));
            }
            s.flush();
            assertTrue(blockBytes(s) > 0);
            assertTrue(s.stats().cache().bytes() <= capacity, "cache holds " + s.stats().cache().bytes()
                    + " bytes, capacity " + capacity);
            // The newest blocks stayed: the last key's block is a hit.
            long misses = s.stats().cache().misses();
            assertArrayEquals(value(2999, "v"), s.get(key(2999)));
            assertEquals(misses, s.stats().cache().misses());
        }
    }

    /** Bytes of cached data blocks: what the cache holds less what open tables pin. */
    private static long blockBytes(Engine s) {
        return s.stats().cache().bytes() - s.stats().cache().pinnedBytes();
    }

    @Test
    void snapshotsKeepTheVersionsTheySee() {
        try (Engine s = Engine.open(DIR, options(new MemFileSystem()))) {
            for (int i = 0; i < 1000; i++) {
                s.put(key(i), value(i, "old"));
            }
            Snapshot snap = s.snapshot();
            for (int i = 0; i < 1000; i++) {
                if (i % 2 == 0) {
                    s.delete(key(i));
                } else {
                    s.put(key(i), value(i, "new"));
                }
            }
            s.compactRange(null, null);
            EngineInvariants.check(s);
            for (int i = 0; i < 1000; i += 7) {
                assertArrayEquals(value(i, "old"), snap.get(key(i)), "snapshot lost key " + i);
            }
            snap.close();
            s.compactRange(null, null);
            assertEquals(0, tombstones(s));
            assertEquals(500, liveKeys(s));
            assertArrayEquals(value(1, "new"), s.get(key(1)));
        }
    }

    @Test
    void tablesDenseInTombstonesAreCompactedOnceNoSnapshotNeedsThem() throws Exception {
        try (Engine s = Engine.open(DIR, options(new MemFileSystem()))) {
            for (int i = 0; i < 1000; i++) {
                s.put(key(i), value(i, "v"));
            }
            s.compactRange(null, null);
            Snapshot snap = s.snapshot();
            for (int i = 0; i < 900; i++) {
                s.delete(key(i)); // a queue drained from the head
            }
            s.compactRange(null, null);
            long pinned = tombstones(s);
            assertEquals(900, pinned, "the snapshot pins the tombstones and what they hide");
            snap.close(); // no one needs them now: the dense tables are marked and compacted in the background
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (denseTables(s) > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, denseTables(s), "every table at or over the density trigger is compacted\n"
                    + s.currentVersion().toDebugString());
            assertTrue(tombstones(s) < pinned / 2, pinned + " tombstones before, " + tombstones(s) + " after");
            EngineInvariants.check(s);
            assertEquals(100, liveKeys(s));
        }
    }
}
