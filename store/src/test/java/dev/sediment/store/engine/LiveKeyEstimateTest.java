package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code StoreStats.approximateEntries}, the live-key estimate behind Kafka's {@code approximateNumEntries}:
 * compared with the exact count for several shapes of workload.
 */
@Timeout(120)
class LiveKeyEstimateTest {
    private static final Path DIR = Path.of("/estimate/store");

    private static Engine open(MemFileSystem fs) {
        return Engine.open(DIR, StoreOptions.builder().fileSystem(fs).memtableSizeBytes(1 << 20).build());
    }

    private static byte[] k(int i) {
        return String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static long exact(Engine e) {
        long n = 0;
        try (StoreIterator it = e.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void overwritesAndDeletesInTheMemtableAreNotCounted() {
        try (Engine e = open(new MemFileSystem())) {
            // The case: 10 puts and 2 deletes over 3 keys leave 1 key.
            for (int i = 0; i < 10; i++) {
                e.put(k(i % 3), k(i));
            }
            e.delete(k(0));
            e.delete(k(1));
            assertEquals(1, exact(e));
            assertEquals(1, e.stats().approximateEntries());
        }
    }

    @Test
    void distinctPutsThenDeletesOfHalfAcrossAFlush() {
        try (Engine e = open(new MemFileSystem())) {
            for (int i = 0; i < 2000; i++) {
                e.put(k(i), k(i));
            }
            e.flush();
            assertEquals(2000, e.stats().approximateEntries());
            for (int i = 0; i < 2000; i += 2) {
                e.delete(k(i));
            }
            assertEquals(1000, exact(e));
            assertEquals(1000, e.stats().approximateEntries(), "deletes in the memtable, puts in a table");
            e.flush();
            assertEquals(1000, e.stats().approximateEntries(), "deletes and puts in tables: entries - 2 x tombstones");
            e.compactRange(null, null);
            assertEquals(1000, e.stats().approximateEntries(), "after compaction");
        }
    }

    @Test
    void overwritesSpreadOverTablesAreExactOnceCompacted() {
        try (Engine e = open(new MemFileSystem())) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 1500; i++) {
                    e.put(k(i), k(i + round));
                }
                e.flush();
            }
            long before = e.stats().approximateEntries();
            assertTrue(before >= 1500 && before <= 4500, "between the live keys and all versions: " + before);
            e.compactRange(null, null);
            assertEquals(1500, exact(e));
            assertEquals(1500, e.stats().approximateEntries());
        }
    }

    @Test
    void deletingEverythingGivesZeroNeverNegative() {
        try (Engine e = open(new MemFileSystem())) {
            for (int i = 0; i < 500; i++) {
                e.put(k(i), k(i));
            }
            e.flush();
            for (int i = 0; i < 500; i++) {
                e.delete(k(i));
                e.delete(k(i)); // deleting a deleted key again
            }
            e.delete(k(9999)); // and one that never existed
            assertEquals(0, exact(e));
            assertEquals(0, e.stats().approximateEntries());
        }
    }

    @Test
    void randomWorkloadIsExactAfterFullCompaction() {
        long seed = Seeds.seed("LiveKeyEstimateTest.randomWorkload");
        Random rnd = new Random(seed);
        TreeMap<Integer, Integer> model = new TreeMap<>();
        try (Engine e = open(new MemFileSystem())) {
            for (int i = 0; i < 20_000; i++) {
                int key = rnd.nextInt(3000);
                if (rnd.nextInt(4) == 0) {
                    e.delete(k(key));
                    model.remove(key);
                } else {
                    e.put(k(key), k(i));
                    model.put(key, i);
                }
                if (rnd.nextInt(5000) == 0) {
                    e.flush();
                }
            }
            long estimate = e.stats().approximateEntries();
            assertTrue(estimate >= 0, "seed " + seed);
            e.flush();
            e.compactRange(null, null);
            assertEquals(model.size(), exact(e), "seed " + seed);
            assertEquals(model.size(), e.stats().approximateEntries(), "seed " + seed);
        }
    }
}
