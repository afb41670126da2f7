package dev.sediment.store.key;

/**
 * A user key's first eight bytes as an unsigned big-endian long, zero-padded: if {@code of(a) < of(b)}
 * (unsigned) then {@code a < b} in unsigned byte order, and likewise for {@code >}; equal prefixes leave
 * the order to the whole keys. Comparing prefixes costs one long compare on memory already at hand, where
 * comparing keys reads their bytes (usually a cache miss each).
 */
public final class KeyPrefix {
    private KeyPrefix() {
    }

    public static long of(byte[] key) {
        return of(key, 0, key.length);
    }

    /** The prefix of {@code buf[from, from + length)}. */
    public static long of(byte[] buf, int from, int length) {
        long p = 0;
        int len = Math.min(8, length);
        for (int i = 0; i < len; i++) {
            p |= (buf[from + i] & 0xFFL) << (56 - 8 * i);
        }
        return p;
    }
}
