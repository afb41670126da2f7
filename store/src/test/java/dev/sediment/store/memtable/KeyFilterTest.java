package dev.sediment.store.memtable;

import dev.sediment.store.key.KeyHash;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memtable's key filter: never a false negative; few false positives at its design load. */
class KeyFilterTest {
    @Test
    void everyAddedKeyPassesAndFewOthersDo() {
        long seed = Seeds.seed("KeyFilterTest.everyAddedKeyPassesAndFewOthersDo");
        Random rnd = new Random(seed);
        long memtableBytes = 16L << 20;
        int keys = (int) (memtableBytes / 180); // 16-byte keys, 100-byte values, ~64 bytes of node and headers
        KeyFilter filter = new KeyFilter(memtableBytes);
        byte[][] added = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            added[i] = new byte[1 + rnd.nextInt(24)];
            rnd.nextBytes(added[i]);
            filter.add(KeyHash.hash64(added[i]));
        }
        for (byte[] k : added) {
            assertTrue(filter.mayContain(KeyHash.hash64(k)), "seed=" + seed + ": an added key is refused");
        }
        int passed = 0;
        int probes = 100_000;
        for (int i = 0; i < probes; i++) {
            byte[] k = new byte[25 + rnd.nextInt(8)]; // longer than any added key: certainly absent
            rnd.nextBytes(k);
            if (filter.mayContain(KeyHash.hash64(k))) {
                passed++;
            }
        }
        assertTrue(passed < probes * 0.03, "seed=" + seed + ": " + passed + " of " + probes + " absent keys passed");
    }

    @Test
    void aTinyMemtableStillGetsAFilterThatNeverRefusesItsKeys() {
        KeyFilter filter = new KeyFilter(1);
        for (int i = 0; i < 10_000; i++) {
            filter.add(KeyHash.hash64(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        for (int i = 0; i < 10_000; i++) {
            assertTrue(filter.mayContain(KeyHash.hash64(new byte[] {(byte) i, (byte) (i >> 8)})));
        }
    }
}
