package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.sediment.store.sstable.TestTables.Key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded model test: random tables under random options are written, read back and compared with a
 * {@link TreeMap} model by full scans both ways and by random seek/next/prev walks. Re-run a
 * failure with {@code -Dtests.seed=N}.
 */
class TableRandomizedTest {
    private static final byte[] ALPHABET = {0x00, 0x01, 'a', 'b', (byte) 0x7F, (byte) 0x80, (byte) 0xFF};

    @TempDir
    Path dir;

    private static long seed() {
        Long s = Long.getLong("tests.seed");
        long seed = s != null ? s : new Random().nextLong();
        System.out.println("seed=" + seed);
        return seed;
    }

    @Test
    void roundTripsUnderRandomOptions() throws Exception {
        long seed = seed();
        Random rnd = new Random(seed);
        for (int round = 0; round < 40; round++) {
            TableOptions options = new TableOptions(1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 8192), 1 + rnd.nextInt(32),
                    rnd.nextBoolean() ? 0 : 10, Compression.values()[rnd.nextInt(Compression.values().length)], 1 + rnd.nextInt(3));
            TreeMap<Key, byte[]> model = randomModel(rnd, 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 4 : 2500));
            Path path = dir.resolve("t" + round + ".sst");
            String ctx = "seed=" + seed + " round=" + round + " " + options + " entries=" + model.size();
            try {
                TableProperties written = TestTables.write(path, options, BlockCodec.create(), model);
                checkProperties(model, written, path);
                try (TableReader r = TestTables.open(path, rnd.nextBoolean() ? null
                        : new dev.sediment.store.BlockCache(1 << 20))) {
                    checkProperties(model, r.properties(), path);
                    checkScans(model, r);
                    checkWalk(rnd, model, r);
                    checkPointLookups(rnd, model, r);
                    for (Key k : model.keySet()) {
                        assertTrue(r.mayContain(k.userKey()), "filter lost " + k);
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(ctx + ": " + e.getMessage(), e);
            }
        }
    }

    static TreeMap<Key, byte[]> randomModel(Random rnd, int n) {
        TreeMap<Key, byte[]> model = TestTables.newModel();
        int largeValues = 0;
        // Some tables have keys longer than the 8-byte prefixes point reads narrow the index by, some
        // sharing a long common start (the prefix cannot tell them apart), some shorter (zero-padded prefixes).
        int maxKeyLength = rnd.nextBoolean() ? 6 : 14;
        byte[] commonStart = rnd.nextInt(3) == 0 ? new byte[] {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'} : new byte[0];
        while (model.size() < n) {
            byte[] userKey = new byte[rnd.nextInt(maxKeyLength)];
            for (int i = 0; i < userKey.length; i++) {
                userKey[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
            }
            if (commonStart.length > 0 && rnd.nextInt(4) != 0) {
                byte[] longer = Arrays.copyOf(commonStart, commonStart.length + userKey.length);
                System.arraycopy(userKey, 0, longer, commonStart.length, userKey.length);
                userKey = longer;
            }
            long revision = 1 + (rnd.nextInt(10) == 0 ? (long) (rnd.nextDouble() * InternalKeys.MAX_REVISION)
                    : rnd.nextInt(1000));
            boolean delete = rnd.nextInt(5) == 0;
            long trailer = InternalKeys.trailer(revision, delete ? KeyKind.DELETE : KeyKind.PUT);
            byte[] value;
            if (delete) {
                value = new byte[0];
            } else if (largeValues < 3 && rnd.nextInt(500) == 0) {
                value = new byte[100 * 1024];
                rnd.nextBytes(value);
                largeValues++;
            } else {
                value = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(60)];
                // Half the values are compressible, half random.
                if (rnd.nextBoolean()) {
                    rnd.nextBytes(value);
                } else {
                    Arrays.fill(value, (byte) rnd.nextInt(3));
                }
            }
            model.put(new Key(userKey, trailer), value);
        }
        return model;
    }

    private static void checkProperties(TreeMap<Key, byte[]> model, TableProperties p, Path path) throws Exception {
        long tombstones = 0;
        long rawKey = 0;
        long rawValue = 0;
        long minRev = Long.MAX_VALUE;
        long maxRev = 0;
        for (Map.Entry<Key, byte[]> e : model.entrySet()) {
            if (InternalKeys.isDelete(e.getKey().trailer())) {
                tombstones++;
            }
            rawKey += e.getKey().userKey().length;
            rawValue += e.getValue().length;
            minRev = Math.min(minRev, InternalKeys.revision(e.getKey().trailer()));
            maxRev = Math.max(maxRev, InternalKeys.revision(e.getKey().trailer()));
        }
        assertEquals(model.size(), p.entries());
        assertEquals(tombstones, p.tombstones());
        assertEquals(rawKey, p.rawKeyBytes());
        assertEquals(rawValue, p.rawValueBytes());
        assertTrue(p.dataBlocks() >= 1);
        assertArrayEquals(model.firstKey().userKey(), p.smallestKey());
        assertEquals(model.firstKey().trailer(), p.smallestTrailer());
        assertArrayEquals(model.lastKey().userKey(), p.largestKey());
        assertEquals(model.lastKey().trailer(), p.largestTrailer());
        assertEquals(minRev, p.minRevision());
        assertEquals(maxRev, p.maxRevision());
        assertEquals(Files.size(path), p.fileSizeBytes());
    }

    private static void checkScans(TreeMap<Key, byte[]> model, TableReader r) {
        List<Map.Entry<Key, byte[]>> expected = new ArrayList<>(model.entrySet());
        try (InternalIterator it = r.iterator()) {
            assertEntries(expected, TestTables.scanForward(it));
            Collections.reverse(expected);
            assertEntries(expected, TestTables.scanBackward(it));
        }
    }

    private static void assertEntries(List<Map.Entry<Key, byte[]>> expected, List<TestTables.Entry> actual) {
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++) {
            Key e = expected.get(i).getKey();
            Key a = actual.get(i).key();
            if (TestTables.ORDER.compare(e, a) != 0) {
                fail("entry " + i + ": expected " + e + ", got " + a);
            }
            assertArrayEquals(expected.get(i).getValue(), actual.get(i).value(), "value of " + e);
        }
    }

    /** Random seeks and steps with direction changes, checked against the model at every step. */
    private static void checkWalk(Random rnd, TreeMap<Key, byte[]> model, TableReader r) {
        List<Key> keys = new ArrayList<>(model.keySet());
        try (InternalIterator it = r.iterator()) {
            Key at = null;
            List<String> ops = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                int op = rnd.nextInt(at == null ? 4 : 7);
                String desc;
                switch (op) {
                    case 0 -> {
                        it.seekToFirst();
                        at = model.firstKey();
                        desc = "seekToFirst";
                    }
                    case 1 -> {
                        it.seekToLast();
                        at = model.lastKey();
                        desc = "seekToLast";
                    }
                    case 2 -> {
                        Key t = randomTarget(rnd, keys);
                        it.seek(t.userKey(), t.trailer());
                        at = model.ceilingKey(t);
                        desc = "seek " + t;
                    }
                    case 3 -> {
                        Key t = randomTarget(rnd, keys);
                        it.seekForPrev(t.userKey(), t.trailer());
                        at = model.floorKey(t);
                        desc = "seekForPrev " + t;
                    }
                    case 4, 5 -> {
                        it.next();
                        at = model.higherKey(at);
                        desc = "next";
                    }
                    default -> {
                        it.prev();
                        at = model.lowerKey(at);
                        desc = "prev";
                    }
                }
                ops.add(desc);
                if (ops.size() > 8) {
                    ops.remove(0);
                }
                if (at == null) {
                    assertTrue(!it.valid(), "expected invalid after " + ops + ", at " + TestTables.describe(it));
                } else {
                    assertTrue(it.valid(), "expected " + at + " after " + ops);
                    Key got = new Key(it.userKey(), it.trailer());
                    if (TestTables.ORDER.compare(at, got) != 0) {
                        fail("expected " + at + " after " + ops + ", got " + got);
                    }
                    // The value in place first: once value() has copied it out, the view is that copy.
                    assertArrayEquals(model.get(at), Arrays.copyOfRange(it.valueArray(), it.valueOffset(),
                            it.valueOffset() + it.valueLength()), "value in place after " + ops);
                    assertArrayEquals(model.get(at), it.value(), "value after " + ops);
                }
            }
        }
    }

    /** {@link PointLookup}: the first entry at or after a target, and whether it is a version of the target's key. */
    private static void checkPointLookups(Random rnd, TreeMap<Key, byte[]> model, TableReader r) {
        List<Key> keys = new ArrayList<>(model.keySet());
        PointLookup lookup = new PointLookup();
        for (int i = 0; i < 300; i++) {
            Key target = randomTarget(rnd, keys);
            Key expected = model.ceilingKey(target);
            boolean found = lookup.seek(r, target.userKey(), target.trailer());
            boolean sameKey = expected != null && Arrays.equals(expected.userKey(), target.userKey());
            assertEquals(sameKey, found, "point lookup of " + target);
            if (found) {
                assertEquals(expected.trailer(), lookup.trailer(), "version found for " + target);
                assertArrayEquals(model.get(expected), lookup.valueCopy(), "value for " + target);
                Key after = model.higherKey(expected);
                boolean nextSame = after != null && Arrays.equals(after.userKey(), target.userKey());
                assertEquals(nextSame, lookup.next(target.userKey()), "next version of " + target);
            }
            lookup.clear();
        }
    }

    private static Key randomTarget(Random rnd, List<Key> keys) {
        switch (rnd.nextInt(4)) {
            case 0: {
                return keys.get(rnd.nextInt(keys.size()));
            }
            case 1: {
                Key k = keys.get(rnd.nextInt(keys.size()));
                return new Key(k.userKey(), InternalKeys.seekTrailer(rnd.nextInt(1100)));
            }
            case 2: {
                Key k = keys.get(rnd.nextInt(keys.size()));
                return new Key(k.userKey(), rnd.nextBoolean() ? 0 : -1L);
            }
            default: {
                byte[] u = new byte[rnd.nextInt(rnd.nextBoolean() ? 7 : 15)];
                for (int i = 0; i < u.length; i++) {
                    u[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
                }
                return new Key(u, rnd.nextLong());
            }
        }
    }

    @Test
    void bloomFalsePositiveRateIsNearOnePercent() throws Exception {
        long seed = seed();
        Random rnd = new Random(seed);
        TreeMap<Key, byte[]> model = TestTables.newModel();
        byte[] empty = new byte[0];
        for (int i = 0; i < 20_000; i++) {
            model.put(new Key(("present-" + i).getBytes(), InternalKeys.trailer(1 + i, KeyKind.PUT)), empty);
        }
        Path path = dir.resolve("bloom.sst");
        TestTables.write(path, new TableOptions(4096, 16, 10, Compression.NONE, 1), BlockCodec.create(), model);
        try (TableReader r = TestTables.open(path, null)) {
            for (Key k : model.keySet()) {
                assertTrue(r.mayContain(k.userKey()));
            }
            int probes = 50_000;
            int falsePositives = 0;
            for (int i = 0; i < probes; i++) {
                if (r.mayContain(("absent-" + rnd.nextLong()).getBytes())) {
                    falsePositives++;
                }
            }
            double rate = (double) falsePositives / probes;
            System.out.println("bloom false-positive rate at 10 bits/key: " + rate);
            assertTrue(rate < 0.03, "false-positive rate " + rate + " (seed=" + seed + ")");
        }
    }

    @Test
    void noFilterMeansMayContainIsAlwaysTrue() throws Exception {
        TreeMap<Key, byte[]> model = TestTables.newModel();
        model.put(new Key("k".getBytes(), InternalKeys.trailer(1, KeyKind.PUT)), "v".getBytes());
        Path path = dir.resolve("nofilter.sst");
        TestTables.write(path, new TableOptions(4096, 16, 0, Compression.NONE, 1), BlockCodec.create(), model);
        try (TableReader r = TestTables.open(path, null)) {
            assertTrue(r.mayContain("other".getBytes()));
        }
    }
}
