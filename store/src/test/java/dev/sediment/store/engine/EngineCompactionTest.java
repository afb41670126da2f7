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
     * of tables it is about to delete once, and would push out the blocks gets keep coming back to.
     */
    @Test
    void compactionReadsDoNotFillTheBlockCache() {
        StoreOptions options = options(new MemFileSystem()).toBuilder().blockCacheSizeBytes(1 << 20).build();
        try (Engine s = Engine.open(DIR, options)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 300; i++) {
                    s.put(key(i), value(i, "r" + round));
                }
                s.flush();
            }
            assertEquals(0, blockBytes(s), "flushes write no block into the cache");
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
