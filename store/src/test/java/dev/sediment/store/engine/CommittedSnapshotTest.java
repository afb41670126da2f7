package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.Compression;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code committedSnapshot()}: reads at the last commit point, whatever was written, flushed or compacted
 * since, checked against a model of the committed state (seeded; tiny memtables and levels so flushes and
 * compactions run all the time). Kafka Streams' READ_COMMITTED queries are built on it.
 */
class CommittedSnapshotTest {
    private static final Path DIR = Path.of("/committed-snapshot/store");

    private static StoreOptions options(MemFileSystem fs, Random rnd) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(1024 + rnd.nextInt(4096))
                .blockSizeBytes(256)
                .compression(Compression.NONE)
                .compaction(EngineRandomizedTest.tinyCompaction(rnd))
                .build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void neverCommittedHasNoCommittedRevisionAndRefusesACommittedSnapshot() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs, new Random(1)))) {
            store.put(bytes("a"), bytes("1"));
            assertTrue(store.committedRevision().isEmpty());
            IllegalStateException e = assertThrows(IllegalStateException.class, store::committedSnapshot);
            assertTrue(e.getMessage().contains("never committed"), e.getMessage());
            long rev = store.commit(Map.of("tp", 1L));
            assertEquals(rev, store.committedRevision().getAsLong());
        }
    }

    @Test
    void aReopenReadsAtTheRecoveryPoint() {
        MemFileSystem fs = new MemFileSystem();
        long committed;
        try (Engine store = Engine.open(DIR, options(fs, new Random(2)))) {
            store.put(bytes("a"), bytes("1"));
            committed = store.commit(Map.of("tp", 1L));
            store.put(bytes("a"), bytes("2"));
            store.put(bytes("b"), bytes("3"));
        }
        try (Engine store = Engine.open(DIR, options(fs, new Random(2)));
             Snapshot snap = store.committedSnapshot()) {
            assertEquals(committed, store.committedRevision().getAsLong());
            assertEquals(committed, snap.revision());
            assertArrayEquals(bytes("1"), snap.get(bytes("a")));
            assertNull(snap.get(bytes("b")));
        }
    }

    @Test
    void committedSnapshotsMatchTheCommittedModelThroughFlushesAndCompactions() {
        long seed = Seeds.seed("CommittedSnapshotTest");
        Random rnd = new Random(seed);
        MemFileSystem fs = new MemFileSystem();
        TreeMap<byte[], byte[]> latest = new TreeMap<>(Arrays::compareUnsigned);
        TreeMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
        // Snapshots taken earlier stay open while work goes on: each must keep reading its own commit.
        List<Snapshot> open = new ArrayList<>();
        List<TreeMap<byte[], byte[]>> expected = new ArrayList<>();
        try (Engine store = Engine.open(DIR, options(fs, rnd))) {
            store.commit(Map.of());
            int ops = 4000 * Seeds.multiplier();
            for (int i = 0; i < ops; i++) {
                int op = rnd.nextInt(100);
                byte[] key = bytes("k" + rnd.nextInt(60));
                if (op < 55) {
                    byte[] value = bytes("v" + i + "-" + "x".repeat(rnd.nextInt(30)));
                    store.put(key, value);
                    latest.put(key, value);
                } else if (op < 70) {
                    store.delete(key);
                    latest.remove(key);
                } else if (op < 78) {
                    store.commit(Map.of("tp", (long) i));
                    committed = new TreeMap<>(latest);
                } else if (op < 82) {
                    store.flush();
                } else if (op < 84) {
                    store.compactRange(null, null);
                } else if (op < 92) {
                    try (Snapshot snap = store.committedSnapshot()) {
                        check(committed, snap, "op " + i);
                    }
                } else if (op < 94 && open.size() < 4) {
                    open.add(store.committedSnapshot());
                    expected.add(new TreeMap<>(committed));
                } else if (op < 96 && !open.isEmpty()) {
                    int j = rnd.nextInt(open.size());
                    check(expected.remove(j), open.get(j), "held snapshot at op " + i);
                    open.remove(j).close();
                }
            }
            for (int j = 0; j < open.size(); j++) {
                check(expected.get(j), open.get(j), "held snapshot at the end");
                open.get(j).close();
            }
            try (Snapshot snap = store.committedSnapshot()) {
                check(committed, snap, "end");
            }
        }
        try (Engine store = Engine.open(DIR, options(fs, new Random(seed)));
             Snapshot snap = store.committedSnapshot()) {
            check(committed, snap, "after reopen");
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                for (Map.Entry<byte[], byte[]> e : committed.entrySet()) {
                    assertTrue(it.valid(), "the reopened store ends early");
                    assertArrayEquals(e.getKey(), it.key());
                    it.next();
                }
                assertFalse(it.valid(), "the reopened store holds uncommitted writes");
            }
        }
    }

    private static void check(TreeMap<byte[], byte[]> model, Snapshot snap, String when) {
        for (int k = 0; k < 60; k++) {
            byte[] key = bytes("k" + k);
            byte[] want = model.get(key);
            byte[] got = snap.get(key);
            if (want == null) {
                assertNull(got, when + ": k" + k + " should be absent at the commit point");
            } else {
                assertArrayEquals(want, got, when + ": k" + k);
            }
        }
        for (boolean reverse : new boolean[] {false, true}) {
            List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(
                    reverse ? model.descendingMap().entrySet() : model.entrySet());
            try (StoreIterator it = snap.iterator(KeyRange.all(), reverse)) {
                for (Map.Entry<byte[], byte[]> e : entries) {
                    assertTrue(it.valid(), when + ": the scan ends early");
                    assertArrayEquals(e.getKey(), it.key(), when);
                    assertArrayEquals(e.getValue(), it.value(), when);
                    it.next();
                }
                assertFalse(it.valid(), when + ": the scan returns an uncommitted key");
            }
        }
    }
}
