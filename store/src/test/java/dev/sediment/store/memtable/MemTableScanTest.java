package dev.sediment.store.memtable;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flush's scan hands out every entry exactly once, in internal-key order, with its value: against a
 * {@link TreeMap} model, for memtables from empty to many groups of segments (lists too short to have the
 * segment level, one key overwritten many times, values larger than an arena chunk).
 */
class MemTableScanTest {
    private record Key(byte[] userKey, long trailer) {
    }

    private static final Comparator<Key> ORDER =
            (a, b) -> InternalKeys.compare(a.userKey, a.trailer, b.userKey, b.trailer);

    @Test
    void scanMatchesModelAtEverySize() {
        long seed = Seeds.seed("MemTableScanTest.scanMatchesModelAtEverySize");
        Random r = new Random(seed);
        int[] sizes = {0, 1, 2, 7, 63, 64, 65, 300, 1_000, 5_000, 20_000};
        for (int round = 0; round < 3 * Seeds.multiplier(); round++) {
            for (int n : sizes) {
                MemTable mem = new MemTable(r.nextBoolean() ? 4096 : 64L << 20);
                TreeMap<Key, byte[]> model = new TreeMap<>(ORDER);
                boolean oneKey = r.nextInt(4) == 0;
                for (long rev = 1; rev <= n; rev++) {
                    byte[] key = oneKey ? new byte[] {42} : new byte[r.nextInt(17)];
                    if (!oneKey) {
                        r.nextBytes(key);
                    }
                    boolean delete = r.nextInt(6) == 0;
                    byte[] value = delete ? new byte[0]
                            : new byte[r.nextInt(100) == 0 ? 5_000 + r.nextInt(5_000) : r.nextInt(120)];
                    r.nextBytes(value);
                    long trailer = InternalKeys.trailer(rev, delete ? KeyKind.DELETE : KeyKind.PUT);
                    mem.add(key, trailer, value);
                    model.put(new Key(key.clone(), trailer), value.clone());
                }
                String where = "seed " + seed + ", " + n + " entries" + (oneKey ? " of one key" : "");
                MemTableScan scan = mem.scan();
                int seen = 0;
                for (Map.Entry<Key, byte[]> e : model.entrySet()) {
                    assertTrue(scan.advance(), where + ": ended after " + seen);
                    assertArrayEquals(e.getKey().userKey, scan.userKey(), where + ": key at " + seen);
                    assertEquals(e.getKey().trailer, scan.trailer(), where + ": trailer at " + seen);
                    byte[] value = Arrays.copyOfRange(scan.valueArray(), scan.valueOffset(),
                            scan.valueOffset() + scan.valueLength());
                    assertArrayEquals(e.getValue(), value, where + ": value at " + seen);
                    seen++;
                }
                assertFalse(scan.advance(), where + ": more entries than added");
                assertFalse(scan.advance(), where + ": stays ended");
            }
        }
    }
}
