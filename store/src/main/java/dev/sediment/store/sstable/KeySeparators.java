package dev.sediment.store.sstable;

import java.util.Arrays;

/**
 * Short index keys. An index entry for data block {@code i} needs a key {@code s} with
 * {@code last(i) <= s < first(i+1)}; the shorter {@code s}, the smaller the index. These functions
 * work on user keys (unsigned byte order); the writer turns a shortened user key into an internal
 * key with the highest trailer, so it sorts before every real entry of that user key.
 */
final class KeySeparators {
    private KeySeparators() {
    }

    /**
     * A user key {@code s} with {@code a < s < b} that is shorter than {@code a}, or null if there is
     * none of this form. REQUIRES: {@code a[0, aLen) < b} (unsigned).
     */
    static byte[] shortestSeparator(byte[] a, int aLen, byte[] b) {
        int d = Arrays.mismatch(a, 0, aLen, b, 0, b.length);
        if (d < 0 || d >= aLen || d >= b.length) {
            return null; // equal, or a is a prefix of b: nothing shorter than a sorts after it
        }
        // Candidates are a[0, i) ‖ (a[i] + 1) for i < aLen - 1. At i == d the bumped byte must stay
        // below b[d]; past d any non-0xFF byte works, because the prefix already sorts below b at d.
        if ((a[d] & 0xFF) + 1 < (b[d] & 0xFF) && d < aLen - 1) {
            return bumped(a, d);
        }
        for (int i = d + 1; i < aLen - 1; i++) {
            if ((a[i] & 0xFF) != 0xFF) {
                return bumped(a, i);
            }
        }
        return null;
    }

    /** A user key {@code s > a} shorter than {@code a}, or null if there is none (a is all 0xFF). */
    static byte[] shortSuccessor(byte[] a, int aLen) {
        for (int i = 0; i < aLen - 1; i++) {
            if ((a[i] & 0xFF) != 0xFF) {
                return bumped(a, i);
            }
        }
        return null;
    }

    private static byte[] bumped(byte[] a, int i) {
        byte[] s = Arrays.copyOf(a, i + 1);
        s[i]++;
        return s;
    }
}
