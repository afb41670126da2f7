package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.Compression;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The store against a {@link TreeMap} model (LevelDB's ModelDB test): random puts, deletes, batches,
 * gets, bounded iterators both ways, snapshots, flushes and close/reopen, with tiny memtables so data
 * moves through every layer. Checks the level invariants after every flush and reopen.
 */
@Timeout(300)
class EngineRandomizedTest {
    private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    @TempDir
    Path tmp;

    @Test
    void matchesModelInMemory() {
        long seed = Seeds.seed("EngineRandomizedTest.matchesModelInMemory");
        for (int round = 0; round < 4; round++) {
            run(new MemFileSystem(), Path.of("/store" + round), new Random(seed + round), 3000 * Seeds.multiplier(), seed);
        }
    }

    @Test
    void matchesModelOnDisk() {
        long seed = Seeds.seed("EngineRandomizedTest.matchesModelOnDisk");
        run(DiskFileSystem.instance(), tmp.resolve("store"), new Random(seed), 2000 * Seeds.multiplier(), seed);
    }

    private static StoreOptions randomOptions(Random rnd, FileSystem fs) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(512 + rnd.nextInt(16 << 10))
                .maxImmutableMemtables(1 + rnd.nextInt(3))
                .blockSizeBytes(rnd.nextBoolean() ? 64 + rnd.nextInt(512) : 1 + rnd.nextInt(4096))
                .blockRestartInterval(1 + rnd.nextInt(16))
                .bloomBitsPerKey(rnd.nextBoolean() ? 10 : 0)
                .compression(rnd.nextBoolean() ? Compression.ZSTD : Compression.NONE)
                .blockCacheSizeBytes(rnd.nextBoolean() ? 0 : 1 << 20)
                .maxOpenFiles(2 + rnd.nextInt(20))
                .maxManifestBytes(256 + rnd.nextInt(8192))
                .compaction(tinyCompaction(rnd))
                .build();
    }

    /** Tiny levels and files so compactions (and trivial moves) run constantly. */
    static CompactionOptions tinyCompaction(Random rnd) {
        int trigger = 1 + rnd.nextInt(4);
        long target = 512 + rnd.nextInt(8192);
        return CompactionOptions.builder()
                .l0CompactionTrigger(trigger)
                .l0SlowdownTrigger(trigger + 4 + rnd.nextInt(8))
                .l0StopTrigger(trigger + 12 + rnd.nextInt(8))
                .baseLevelTargetBytes(2048 + rnd.nextInt(32 << 10))
                .levelSizeMultiplier(2 + rnd.nextInt(9))
                .dynamicLevelBytes(rnd.nextBoolean())
                .targetFileSizeBytes(target)
                .maxCompactionBytes(target * (5 + rnd.nextInt(25)))
                .maxGrandparentOverlapBytes(target * (2 + rnd.nextInt(10)))
                .maxSubcompactions(1 + rnd.nextInt(3))
                .tombstoneDensityTrigger(rnd.nextBoolean() ? 0.5 : rnd.nextDouble())
                .build();
    }

    private static byte[] randomKey(Random rnd, int alphabet) {
        int id = rnd.nextInt(alphabet);
        // Distinct ids give distinct keys; some start with 0xFF or 0x00 to exercise unsigned order.
        byte lead = switch (id % 5) {
            case 0 -> (byte) 0xFF;
            case 1 -> 0;
            default -> (byte) ('a' + id % 26);
        };
        return new byte[]{lead, (byte) (id >>> 8), (byte) id};
    }

    private static byte[] randomValue(Random rnd) {
        byte[] v = new byte[rnd.nextInt(8) == 0 ? rnd.nextInt(2000) : rnd.nextInt(40)];
        rnd.nextBytes(v);
        return v;
    }

    private record ModelSnapshot(Snapshot snapshot, NavigableMap<byte[], byte[]> model) {
    }

    private static void run(FileSystem fs, Path dir, Random rnd, int steps, long seed) {
        StoreOptions options = randomOptions(rnd, fs);
        int alphabet = 20 + rnd.nextInt(400);
        TreeMap<byte[], byte[]> model = new TreeMap<>(UNSIGNED);
        List<ModelSnapshot> snapshots = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> compactionCheck = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Consumer<Engine> checker = e -> {
            try {
                EngineInvariants.check(e);
            } catch (Throwable t) {
                compactionCheck.compareAndSet(null, t);
            }
        };
        Engine store = Engine.open(dir, options);
        store.setCompactionListener(checker);
        try {
            for (int step = 0; step < steps; step++) {
                String where = "seed=" + seed + " step=" + step + " options=" + options;
                int op = rnd.nextInt(1000);
                if (op < 450) {
                    byte[] k = randomKey(rnd, alphabet);
                    byte[] v = randomValue(rnd);
                    store.put(k, v);
                    model.put(k, v);
                } else if (op < 600) {
                    byte[] k = randomKey(rnd, alphabet);
                    store.delete(k);
                    model.remove(k);
                } else if (op < 650) {
                    WriteBatch b = new WriteBatch();
                    int n = 1 + rnd.nextInt(30);
                    for (int i = 0; i < n; i++) {
                        byte[] k = randomKey(rnd, alphabet);
                        if (rnd.nextInt(4) == 0) {
                            b.delete(k);
                            model.remove(k);
                        } else {
                            byte[] v = randomValue(rnd);
                            b.put(k, v);
                            model.put(k, v);
                        }
                    }
                    store.write(b);
                } else if (op < 850) {
                    byte[] k = randomKey(rnd, alphabet);
                    assertArrayEquals(model.get(k), store.get(k), where + " get " + InternalKeys.printable(k));
                } else if (op < 900) {
                    checkIterator(store, null, model, rnd, where);
                } else if (op < 930 && !snapshots.isEmpty()) {
                    ModelSnapshot s = snapshots.get(rnd.nextInt(snapshots.size()));
                    if (rnd.nextBoolean()) {
                        byte[] k = randomKey(rnd, alphabet);
                        assertArrayEquals(s.model.get(k), s.snapshot.get(k), where + " snapshot get");
                    } else {
                        checkIterator(store, s.snapshot, s.model, rnd, where + " snapshot");
                    }
                } else if (op < 945) {
                    if (snapshots.size() >= 4) {
                        snapshots.remove(rnd.nextInt(snapshots.size())).snapshot.close();
                    }
                    snapshots.add(new ModelSnapshot(store.snapshot(), new TreeMap<>(model)));
                } else if (op < 960) {
                    store.flush();
                    EngineInvariants.check(store);
                } else if (op < 966) {
                    store.close(); // closes snapshots; flushes memtables
                    snapshots.clear();
                    store = Engine.open(dir, options);
                    store.setCompactionListener(checker);
                    EngineInvariants.check(store);
                    assertEquals(model.size(), count(store), where + " entries after reopen");
                } else if (op < 975) {
                    byte[] a = rnd.nextInt(4) == 0 ? null : randomKey(rnd, alphabet);
                    byte[] z = rnd.nextInt(4) == 0 ? null : randomKey(rnd, alphabet);
                    store.compactRange(a, z);
                    EngineInvariants.check(store);
                } else {
                    EngineInvariants.check(store);
                }
                if (compactionCheck.get() != null) {
                    throw new AssertionError(where + ": invariant broken after a compaction", compactionCheck.get());
                }
            }
            store.compactRange(null, null);
            EngineInvariants.check(store);
            checkAll(store, model, "seed=" + seed + " final");
        } catch (AssertionError | RuntimeException e) {
            fail("seed=" + seed + ": " + e, e);
        } finally {
            store.close();
        }
    }

    private static int count(Engine store) {
        int n = 0;
        try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    private static void checkAll(Engine store, NavigableMap<byte[], byte[]> model, String where) {
        for (boolean reverse : new boolean[]{false, true}) {
            try (StoreIterator it = store.iterator(KeyRange.all(), reverse)) {
                compare(it, reverse ? model.descendingMap() : model, where + " full scan reverse=" + reverse);
            }
        }
    }

    private static void checkIterator(Engine store, Snapshot snap, NavigableMap<byte[], byte[]> model, Random rnd,
                                      String where) {
        byte[] from = rnd.nextInt(5) == 0 ? null : randomKey(rnd, 500);
        byte[] to = rnd.nextInt(5) == 0 ? null : randomKey(rnd, 500);
        boolean fromInc = rnd.nextBoolean();
        boolean toInc = rnd.nextBoolean();
        KeyRange range;
        if (rnd.nextInt(6) == 0 && from != null) {
            range = KeyRange.prefix(Arrays.copyOf(from, 1 + rnd.nextInt(2)));
        } else {
            range = KeyRange.of(from, fromInc, to, toInc);
        }
        boolean reverse = rnd.nextBoolean();
        NavigableMap<byte[], byte[]> expected = slice(model, range);
        try (StoreIterator it = snap == null ? store.iterator(range, reverse) : snap.iterator(range, reverse)) {
            compare(it, reverse ? expected.descendingMap() : expected, where + " range " + range + " reverse=" + reverse);
        }
    }

    static NavigableMap<byte[], byte[]> slice(NavigableMap<byte[], byte[]> model, KeyRange r) {
        if (r.isEmpty()) {
            return new TreeMap<>(UNSIGNED);
        }
        NavigableMap<byte[], byte[]> m = model;
        if (r.from() != null) {
            m = m.tailMap(r.from(), r.fromInclusive());
        }
        if (r.to() != null) {
            m = m.headMap(r.to(), r.toInclusive());
        }
        return m;
    }

    static void compare(StoreIterator it, Map<byte[], byte[]> expected, String where) {
        int i = 0;
        for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
            if (!it.valid()) {
                fail(where + ": iterator ended after " + i + " entries, expected " + expected.size());
            }
            assertArrayEquals(e.getKey(), it.key(), where + " key #" + i);
            assertArrayEquals(e.getValue(), it.value(), where + " value #" + i);
            it.next();
            i++;
        }
        if (it.valid()) {
            fail(where + ": extra entry " + InternalKeys.printable(it.key()) + " after " + i);
        }
    }
}
