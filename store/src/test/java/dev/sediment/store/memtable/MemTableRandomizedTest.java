package dev.sediment.store.memtable;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arena memtable against a {@link TreeMap} model of internal keys: seeks both ways, gets at
 * snapshots, whole scans both ways with direction changes; keys of varied lengths sharing prefixes (so
 * the eight-byte prefix often ties), records larger than an arena chunk; and readers racing the writer.
 */
class MemTableRandomizedTest {
    private record Key(byte[] userKey, long trailer) {
    }

    private static final Comparator<Key> ORDER =
            (a, b) -> InternalKeys.compare(a.userKey, a.trailer, b.userKey, b.trailer);

    private static byte[] randomKey(Random r) {
        // A small alphabet and lengths 0..12 around the 8-byte prefix: many shared prefixes and ties.
        byte[] k = new byte[r.nextInt(13)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (r.nextInt(3) == 0 ? 0 : r.nextInt(4) * 85);
        }
        return k;
    }

    private static byte[] randomValue(Random r) {
        // Mostly small, now and then larger than a 4 KiB arena chunk.
        byte[] v = new byte[r.nextInt(50) == 0 ? 4096 + r.nextInt(6000) : r.nextInt(40)];
        r.nextBytes(v);
        return v;
    }

    @Test
    void matchesModel() {
        long seed = Seeds.seed("MemTableRandomizedTest.matchesModel");
        Random r = new Random(seed);
        for (int round = 0; round < 20 * Seeds.multiplier(); round++) {
            MemTable mem = new MemTable(r.nextBoolean() ? 4096 : 64L << 20);
            TreeMap<Key, byte[]> model = new TreeMap<>(ORDER);
            assertTrue(mem.isEmpty());
            assertEquals(0, mem.approximateBytes());
            assertNull(mem.get(new byte[] {1}, 5));
            assertFalse(scanFrom(mem.iterator(), true).iterator().hasNext());
            int n = 1 + r.nextInt(2000);
            long allocatedBefore = 0;
            for (long rev = 1; rev <= n; rev++) {
                byte[] key = randomKey(r);
                boolean delete = r.nextInt(5) == 0;
                byte[] value = delete ? new byte[0] : randomValue(r);
                long trailer = InternalKeys.trailer(rev, delete ? KeyKind.DELETE : KeyKind.PUT);
                byte[] keyCopy = key.clone();
                byte[] valueCopy = value.clone();
                mem.add(key, trailer, value);
                Arrays.fill(key, (byte) 7); // the memtable copied them
                Arrays.fill(value, (byte) 7);
                model.put(new Key(keyCopy, trailer), valueCopy);
                assertTrue(mem.approximateBytes() >= allocatedBefore);
                allocatedBefore = mem.approximateBytes();
                if (r.nextInt(200) == 0) {
                    check(mem, model, r, rev);
                }
            }
            assertEquals(n, mem.entries());
            assertEquals(1, mem.minRevision());
            assertEquals(n, mem.maxRevision());
            long payload = model.entrySet().stream()
                    .mapToLong(e -> e.getKey().userKey.length + e.getValue().length).sum();
            assertTrue(mem.approximateBytes() >= payload, "charged bytes " + mem.approximateBytes() + " < payload " + payload);
            check(mem, model, r, n);
        }
    }

    /**
     * Batches inserted in internal-key order from the previous insert's place (as the write pipeline does):
     * one key written more than once in a batch, tombstones, and now and then a batch left unsorted so the
     * finger is wrong and the insert must fall back to a search from the head.
     */
    @Test
    void sortedBatchesMatchModel() {
        long seed = Seeds.seed("MemTableRandomizedTest.sortedBatchesMatchModel");
        Random r = new Random(seed);
        for (int round = 0; round < 20 * Seeds.multiplier(); round++) {
            MemTable mem = new MemTable(r.nextBoolean() ? 4096 : 64L << 20);
            TreeMap<Key, byte[]> model = new TreeMap<>(ORDER);
            long rev = 0;
            int batches = 1 + r.nextInt(40);
            for (int b = 0; b < batches; b++) {
                List<Map.Entry<Key, byte[]>> batch = new ArrayList<>();
                int size = 1 + r.nextInt(r.nextBoolean() ? 5 : 200);
                for (int i = 0; i < size; i++) {
                    byte[] key = i > 0 && r.nextInt(6) == 0 ? batch.get(r.nextInt(i)).getKey().userKey : randomKey(r);
                    boolean delete = r.nextInt(5) == 0;
                    long trailer = InternalKeys.trailer(++rev, delete ? KeyKind.DELETE : KeyKind.PUT);
                    batch.add(Map.entry(new Key(key, trailer), delete ? new byte[0] : randomValue(r)));
                }
                if (r.nextInt(8) != 0) {
                    batch.sort(Map.Entry.comparingByKey(ORDER));
                }
                for (Map.Entry<Key, byte[]> e : batch) {
                    mem.add(e.getKey().userKey, e.getKey().trailer, e.getValue(), true);
                    model.put(e.getKey(), e.getValue());
                }
                if (r.nextInt(10) == 0) {
                    check(mem, model, r, rev);
                }
            }
            assertEquals(rev, mem.entries());
            check(mem, model, r, rev);
        }
    }

    /**
     * Readers race a writer that adds sorted batches with the finger and publishes each batch whole:
     * scans stay sorted, values whole, and every entry of a batch published before a scan is in it.
     */
    @Test
    void concurrentReadersSeeSortedBatches() throws Exception {
        long seed = Seeds.seed("MemTableRandomizedTest.concurrentReadersSeeSortedBatches");
        int batches = 300 * Seeds.multiplier();
        MemTable mem = new MemTable(1 << 16);
        AtomicLong published = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int readers = 2;
        CountDownLatch started = new CountDownLatch(readers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            Thread th = new Thread(() -> {
                started.countDown();
                try {
                    while (!done.get()) {
                        scanSeesEveryPublishedEntry(mem, published.get());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        started.await();
        Random r = new Random(seed);
        long rev = 0;
        List<byte[]> written = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Key> batch = new ArrayList<>();
            int size = 1 + r.nextInt(100);
            for (int i = 0; i < size; i++) {
                byte[] key = new byte[1 + r.nextInt(20)];
                r.nextBytes(key);
                if (r.nextInt(4) == 0 && !written.isEmpty()) {
                    key = written.get(r.nextInt(written.size())).clone(); // a newer version of an older key
                }
                written.add(key);
                batch.add(new Key(key, InternalKeys.trailer(++rev, r.nextInt(5) == 0 ? KeyKind.DELETE : KeyKind.PUT)));
            }
            batch.sort(ORDER);
            for (Key k : batch) {
                mem.add(k.userKey, k.trailer, valueFor(k.userKey, k.trailer), true);
            }
            published.set(rev);
        }
        done.set(true);
        for (Thread th : threads) {
            th.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("seed " + seed, failures.peek());
        }
        assertEquals(rev, scanFrom(mem.iterator(), true).size());
    }

    private static void check(MemTable mem, TreeMap<Key, byte[]> model, Random r, long lastRevision) {
        assertEntries(List.copyOf(model.entrySet()), scanFrom(mem.iterator(), true));
        List<Map.Entry<Key, byte[]>> reversed = new ArrayList<>(model.descendingMap().entrySet());
        assertEntries(reversed, scanFrom(mem.iterator(), false));
        for (int i = 0; i < 50; i++) {
            byte[] key = randomKey(r);
            long snapshot = 1 + (long) (r.nextDouble() * lastRevision);
            long seekTrailer = InternalKeys.seekTrailer(snapshot);
            Key probe = new Key(key, seekTrailer);
            // get: the newest version at or below the snapshot.
            Map.Entry<Key, byte[]> ceiling = model.ceilingEntry(probe);
            MemTable.Lookup hit = mem.get(key, snapshot);
            if (ceiling == null || !Arrays.equals(ceiling.getKey().userKey, key)) {
                assertNull(hit);
            } else {
                assertNotNull(hit);
                assertEquals(ceiling.getKey().trailer, hit.trailer());
                assertArrayEquals(ceiling.getValue(), hit.value());
            }
            try (InternalIterator it = mem.iterator()) {
                it.seek(key, seekTrailer);
                assertAt(ceiling, it);
                // A few steps each way from there, changing direction.
                Map.Entry<Key, byte[]> expected = ceiling;
                for (int s = 0; s < 6 && it.valid() && expected != null; s++) {
                    boolean forward = r.nextBoolean();
                    expected = forward ? model.higherEntry(expected.getKey()) : model.lowerEntry(expected.getKey());
                    if (forward) {
                        it.next();
                    } else {
                        it.prev();
                    }
                    assertAt(expected, it);
                }
                it.seekForPrev(key, seekTrailer);
                assertAt(model.floorEntry(probe), it);
            }
        }
        if (!model.isEmpty()) {
            try (InternalIterator it = mem.iterator()) {
                it.seekToLast();
                assertAt(model.lastEntry(), it);
                it.seekToFirst();
                assertAt(model.firstEntry(), it);
            }
        }
    }

    private static void assertAt(Map.Entry<Key, byte[]> expected, InternalIterator it) {
        if (expected == null) {
            assertFalse(it.valid());
            return;
        }
        assertTrue(it.valid(), () -> "expected " + InternalKeys.toDebugString(expected.getKey().userKey, expected.getKey().trailer));
        assertArrayEquals(expected.getKey().userKey, it.userKey());
        assertEquals(expected.getKey().trailer, it.trailer());
        assertArrayEquals(expected.getValue(), Arrays.copyOfRange(it.valueArray(), it.valueOffset(),
                it.valueOffset() + it.valueLength()), "the value in place, in the arena");
        assertArrayEquals(expected.getValue(), it.value());
    }

    private static List<Map.Entry<Key, byte[]>> scanFrom(InternalIterator it, boolean forward) {
        List<Map.Entry<Key, byte[]>> out = new ArrayList<>();
        try (it) {
            if (forward) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    out.add(Map.entry(new Key(it.userKey(), it.trailer()), it.value()));
                }
            } else {
                for (it.seekToLast(); it.valid(); it.prev()) {
                    out.add(Map.entry(new Key(it.userKey(), it.trailer()), it.value()));
                }
            }
        }
        return out;
    }

    private static void assertEntries(List<Map.Entry<Key, byte[]>> expected, List<Map.Entry<Key, byte[]>> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).getKey().userKey, actual.get(i).getKey().userKey, "entry " + i);
            assertEquals(expected.get(i).getKey().trailer, actual.get(i).getKey().trailer, "entry " + i);
            assertArrayEquals(expected.get(i).getValue(), actual.get(i).getValue(), "entry " + i);
        }
    }

    /**
     * Readers race one writer. Each key's value is derived from its key and revision, so a reader can
     * check every entry it meets; a reader's scan must be sorted, and must hold every entry whose add
     * returned before the scan started; a get at the writer's published revision finds that write.
     */
    @Test
    void concurrentReadersSeeWholeSortedEntries() throws Exception {
        long seed = Seeds.seed("MemTableRandomizedTest.concurrentReadersSeeWholeSortedEntries");
        int writes = 30_000 * Seeds.multiplier();
        MemTable mem = new MemTable(1 << 16); // small chunks: many chunk switches while readers run
        byte[][] keys = new byte[writes + 1][];
        AtomicLong published = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int readers = 3;
        CountDownLatch started = new CountDownLatch(readers);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            long readerSeed = seed + t + 1;
            Thread th = new Thread(() -> {
                Random r = new Random(readerSeed);
                started.countDown();
                try {
                    while (!done.get()) {
                        long upTo = published.get();
                        if (r.nextBoolean()) {
                            scanSeesEveryPublishedEntry(mem, upTo);
                        } else if (upTo > 0) {
                            long rev = 1 + (long) (r.nextDouble() * upTo);
                            byte[] key = keys[(int) rev];
                            MemTable.Lookup hit = mem.get(key, rev);
                            if (hit == null) {
                                throw new AssertionError("write at revision " + rev + " not found");
                            }
                            long found = InternalKeys.revision(hit.trailer());
                            if (found > rev) {
                                throw new AssertionError("get at snapshot " + rev + " returned revision " + found);
                            }
                            checkValue(new Key(key, hit.trailer()), hit.value());
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        started.await();
        Random r = new Random(seed);
        for (int rev = 1; rev <= writes; rev++) {
            byte[] key = new byte[1 + r.nextInt(20)];
            r.nextBytes(key);
            if (r.nextInt(4) == 0 && rev > 1) {
                key = keys[1 + r.nextInt(rev - 1)].clone(); // a newer version of an older key
            }
            keys[rev] = key;
            long trailer = InternalKeys.trailer(rev, KeyKind.PUT);
            mem.add(key, trailer, valueFor(key, trailer));
            published.set(rev);
        }
        done.set(true);
        for (Thread th : threads) {
            th.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("seed " + seed, failures.peek());
        }
        assertEquals(writes, scanFrom(mem.iterator(), true).size());
    }

    private static byte[] valueFor(byte[] key, long trailer) {
        byte[] v = new byte[(int) (trailer % 97)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (trailer * 31 + i + (key.length == 0 ? 0 : key[i % key.length]));
        }
        return v;
    }

    /** A scan is in order, every value whole, and every entry of a revision up to {@code upTo} is in it. */
    private static void scanSeesEveryPublishedEntry(MemTable mem, long upTo) {
        int count = 0;
        Key prev = null;
        try (InternalIterator it = mem.iterator()) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                Key k = new Key(it.userKey(), it.trailer());
                if (prev != null && ORDER.compare(prev, k) >= 0) {
                    throw new AssertionError("scan out of order at " + InternalKeys.toDebugString(k.userKey, k.trailer));
                }
                checkValue(k, it.value());
                if (InternalKeys.revision(k.trailer) <= upTo) {
                    count++;
                }
                prev = k;
            }
        }
        if (count != upTo) {
            throw new AssertionError("scan saw " + count + " of the " + upTo + " entries published before it");
        }
    }

    private static void checkValue(Key k, byte[] value) {
        if (!Arrays.equals(valueFor(k.userKey, k.trailer), value)) {
            throw new AssertionError("torn value at " + InternalKeys.toDebugString(k.userKey, k.trailer));
        }
    }
}
