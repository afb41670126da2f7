package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Read-triggered compaction ({@link SeekSampling}): iterators that seek into a table with a deeper level below it
 * use up the table's seeks, and it is then compacted into the level below while no level is over its target.
 */
class SeekCompactionTest {
    private static final Path DIR = Path.of("/seek/store");
    private static final int KEYS = 2000;

    @Test
    void seeksIntoATableAboveTheLastLevelCompactItDown() {
        try (Engine s = Engine.open(DIR, options())) {
            for (int i = 0; i < KEYS; i++) {
                s.put(key(i), value(i, "a"));
            }
            s.compactRange(null, null); // everything in the last level
            for (int i = 0; i < KEYS; i += 7) {
                s.put(key(i), value(i, "b"));
            }
            s.flush();
            awaitNoPendingCompaction(s);
            List<Long> above = tablesAboveDeepest(s.currentVersion());
            assertFalse(above.isEmpty(), "the second round stays above the last level: " + levels(s));
            long compactionsBefore = s.stats().compactions().count();

            // Each iterator seeks once; far more seeks than any table's allowance (100 at this size).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int seeks = 0;
            while (anyLeft(above, s.currentVersion()) && System.nanoTime() < deadline) {
                int i = (seeks * 31) % KEYS;
                try (StoreIterator it = s.iterator(new KeyRange(key(i), true, null, false), false)) {
                    assertTrue(it.valid());
                    assertArrayEquals(key(i), it.key());
                }
                seeks++;
            }
            assertFalse(anyLeft(above, s.currentVersion()), "tables " + above + " still there after " + seeks
                    + " seeks: " + levels(s));
            assertTrue(s.stats().compactions().count() > compactionsBefore);
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(value(i, i % 7 == 0 ? "b" : "a"), s.get(key(i)), "key " + i);
            }
        }
    }

    @Test
    void pointReadsChargeNothing() {
        try (Engine s = Engine.open(DIR, options())) {
            for (int i = 0; i < KEYS; i++) {
                s.put(key(i), value(i, "a"));
            }
            s.compactRange(null, null);
            for (int i = 0; i < KEYS; i += 7) {
                s.put(key(i), value(i, "b"));
            }
            s.flush();
            awaitNoPendingCompaction(s);
            String before = levels(s);
            long compactions = s.stats().compactions().count();
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < KEYS; i++) {
                    s.get(key(i));
                }
            }
            awaitNoPendingCompaction(s);
            assertEquals(compactions, s.stats().compactions().count(), "gets compacted: " + before + " -> " + levels(s));
        }
    }

    private static StoreOptions options() {
        return StoreOptions.builder()
                .fileSystem(new MemFileSystem())
                .memtableSizeBytes(16 << 10)
                .blockSizeBytes(512)
                .compaction(CompactionOptions.builder()
                        .l0CompactionTrigger(1)
                        .baseLevelTargetBytes(64 << 10)
                        .levelSizeMultiplier(4)
                        .targetFileSizeBytes(16 << 10)
                        .build())
                .build();
    }

    private static void awaitNoPendingCompaction(Engine s) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((s.stats().compactions().pendingBytes() > 0 || s.currentVersion().files(0).size() > 0)
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static List<Long> tablesAboveDeepest(Version v) {
        int deepest = 0;
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            if (!v.files(level).isEmpty()) {
                deepest = level;
            }
        }
        List<Long> above = new ArrayList<>();
        for (int level = 1; level < deepest; level++) {
            for (FileMetadata f : v.files(level)) {
                above.add(f.fileNumber());
            }
        }
        return above;
    }

    private static boolean anyLeft(List<Long> tables, Version v) {
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                if (tables.contains(f.fileNumber())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String levels(Engine s) {
        StringBuilder b = new StringBuilder();
        Version v = s.currentVersion();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            b.append(" L").append(level).append('=').append(v.files(level).size());
        }
        return b.toString();
    }

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, String tag) {
        return (tag + i + "-".repeat(40)).getBytes(StandardCharsets.UTF_8);
    }
}
