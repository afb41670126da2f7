package dev.sediment.bench;

import java.util.SplittableRandom;

/**
 * Keys and values of the store-layer workloads. Key {@code i} is a hash of {@code i}, so keys are random
 * bytes, inserting them by increasing {@code i} is a random order, and nothing needs to be kept in memory.
 * Missing keys come from a disjoint index range. Values are half random, half one repeated byte.
 */
final class BenchData {
    private static final long MISSING_OFFSET = 1L << 48;
    private final int keyBytes;
    private final int valueBytes;

    BenchData(int keyBytes, int valueBytes) {
        this.keyBytes = keyBytes;
        this.valueBytes = valueBytes;
    }

    byte[] key(long index) {
        byte[] key = new byte[keyBytes];
        long state = index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        for (int i = 0; i < keyBytes; i += 8) {
            long word = mix(state += 0x9E3779B97F4A7C15L);
            for (int b = 0; b < 8 && i + b < keyBytes; b++) {
                key[i + b] = (byte) (word >>> (56 - 8 * b));
            }
        }
        return key;
    }

    /** A key that is not in a store filled with keys 0..n-1 (for n below 2^48). */
    byte[] missingKey(long index) {
        return key(MISSING_OFFSET + index);
    }

    /** A fresh array: the in-memory store keeps the caller's array. */
    byte[] value(SplittableRandom random) {
        byte[] value = new byte[valueBytes];
        int half = valueBytes / 2;
        for (int i = 0; i < half; i += 8) {
            long word = random.nextLong();
            for (int b = 0; b < 8 && i + b < half; b++) {
                value[i + b] = (byte) (word >>> (8 * b));
            }
        }
        for (int i = half; i < valueBytes; i++) {
            value[i] = 'v';
        }
        return value;
    }

    int recordBytes() {
        return keyBytes + valueBytes;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
