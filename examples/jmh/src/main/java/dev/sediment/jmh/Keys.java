package dev.sediment.jmh;

import java.util.SplittableRandom;

/** The bench's data shape (16-byte random keys, 100-byte values), from a fixed seed so runs compare. */
final class Keys {
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;

    private Keys() {
    }

    static byte[][] randomKeys(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] keys = new byte[n][KEY_BYTES];
        for (byte[] k : keys) {
            r.nextBytes(k);
        }
        return keys;
    }

    /** Half random, half zeros: compresses about 2:1, like the side-by-side bench's values. */
    static byte[] value(long seed) {
        byte[] v = new byte[VALUE_BYTES];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < VALUE_BYTES / 2; i++) {
            v[i] = (byte) r.nextInt();
        }
        return v;
    }
}
