package dev.sediment.store;

import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The ingest order against a model (a TreeMap keyed by unsigned key order, where later puts win), and the memtable order. */
class BatchKeyOrderTest {
    @Test
    void sortsByKeyAndKeepsTheLastOperationOfEachKey() {
        long seed = Seeds.seed("BatchKeyOrderTest");
        Random random = new Random(seed);
        for (int round = 0; round < 300 * Seeds.multiplier(); round++) {
            byte[][] keys = keys(random, round);
            int n = keys.length;
            TreeMap<byte[], Integer> model = new TreeMap<>(Arrays::compareUnsigned);
            for (int i = 0; i < n; i++) {
                model.put(keys[i], i);
            }
            int[] expected = model.values().stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, BatchKeyOrder.of(keys), "seed " + seed + " round " + round);
        }
    }

    /** The memtable order against a comparison sort: every operation, by key, of one key the later first. */
    @Test
    void internalKeyOrderHasEveryOperationByKeyTheLaterFirst() {
        long seed = Seeds.seed("BatchKeyOrderTest.internal");
        Random random = new Random(seed);
        for (int round = 0; round < 300 * Seeds.multiplier(); round++) {
            byte[][] keys = keys(random, round);
            int n = keys.length;
            Integer[] expected = new Integer[n];
            for (int i = 0; i < n; i++) {
                expected[i] = i;
            }
            Arrays.sort(expected, (a, b) -> {
                int r = Arrays.compareUnsigned(keys[a], keys[b]);
                return r != 0 ? r : Integer.compare(b, a);
            });
            assertArrayEquals(Arrays.stream(expected).mapToInt(Integer::intValue).toArray(),
                    BatchKeyOrder.internalKeyOrder(keys), "seed " + seed + " round " + round);
        }
    }

    /** A batch's keys: now and then thousands, mostly up to a hundred, of the round's kind. */
    private static byte[][] keys(Random random, int round) {
        byte[][] keys = new byte[round % 10 == 0 ? random.nextInt(5_000) : random.nextInt(100)][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(random, round);
        }
        return keys;
    }

    /** Short keys, keys sharing long prefixes, 0xFF bytes and empty keys: where a prefix compare can tie. */
    private static byte[] key(Random random, int round) {
        switch (round % 4) {
            case 0 -> {
                byte[] k = new byte[random.nextInt(10)];
                for (int i = 0; i < k.length; i++) {
                    k[i] = (byte) (random.nextBoolean() ? 0 : random.nextBoolean() ? 0xFF : random.nextInt(3));
                }
                return k;
            }
            case 1 -> {
                List<Byte> bytes = new ArrayList<>();
                "customer-000".chars().forEach(c -> bytes.add((byte) c));
                int suffix = random.nextInt(300);
                byte[] k = new byte[bytes.size() + 3];
                for (int i = 0; i < bytes.size(); i++) {
                    k[i] = bytes.get(i);
                }
                k[bytes.size()] = (byte) ('0' + suffix / 100);
                k[bytes.size() + 1] = (byte) ('0' + suffix / 10 % 10);
                k[bytes.size() + 2] = (byte) ('0' + suffix % 10);
                return random.nextInt(20) == 0 ? Arrays.copyOf(k, random.nextInt(k.length)) : k;
            }
            default -> {
                byte[] k = new byte[1 + random.nextInt(24)];
                random.nextBytes(k);
                return k;
            }
        }
    }
}
