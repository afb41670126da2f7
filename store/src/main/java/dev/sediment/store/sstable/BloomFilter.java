package dev.sediment.store.sstable;

import dev.sediment.store.key.KeyHash;
import dev.sediment.store.encoding.MalformedDataException;

import java.util.Arrays;

/**
 * A bloom filter over the user keys of one table: {@code bits[0, m) ‖ k}, where bit {@code i} of
 * the filter is bit {@code i & 7} of byte {@code i >>> 3}. A key sets the {@code k} bits
 * {@code (h + j·delta) mod m} for {@code j < k}, with {@code h = hash64(key)} and
 * {@code delta = rotl(h, 31) | 1} (double hashing from one 64-bit hash).
 *
 * <p>{@link #hash64} is persisted by every filter: NEVER CHANGE IT (a new hash needs a new format
 * version). Instances are immutable and thread-safe.
 */
final class BloomFilter {
    /** Smallest filter, so tiny tables do not get a useless handful of bits. */
    private static final int MIN_BITS = 64;
    static final int MAX_PROBES = 30;

    private final byte[] filter;
    private final long bitCount;
    private final int probes;

    private BloomFilter(byte[] filter, int probes) {
        this.filter = filter;
        this.bitCount = 8L * (filter.length - 1);
        this.probes = probes;
    }

    /** Decodes a filter block. */
    static BloomFilter decode(byte[] block) {
        if (block.length < 2) {
            throw new MalformedDataException("filter block of " + block.length + " bytes");
        }
        int k = block[block.length - 1] & 0xFF;
        if (k < 1 || k > MAX_PROBES) {
            throw new MalformedDataException("filter probe count " + k + " outside [1, " + MAX_PROBES + "]");
        }
        return new BloomFilter(block, k);
    }

    /** Bytes the filter holds in memory. */
    int sizeBytes() {
        return filter.length;
    }

    /** False only if {@code userKey} was certainly not added. */
    boolean mayContain(byte[] userKey) {
        return mayContain(hash64(userKey));
    }

    /** False only if the key of {@code hash} ({@link #hash64}) was certainly not added. */
    boolean mayContain(long hash) {
        long h = hash;
        long delta = Long.rotateLeft(h, 31) | 1;
        for (int j = 0; j < probes; j++) {
            long bit = Long.remainderUnsigned(h, bitCount);
            if ((filter[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
                return false;
            }
            h += delta;
        }
        return true;
    }

    /** Probe count for a bits-per-key budget: round(bits · ln 2), clamped to [1, 30]. */
    static int probesFor(int bitsPerKey) {
        long k = Math.round(bitsPerKey * 0.6931471805599453);
        return (int) Math.max(1, Math.min(MAX_PROBES, k));
    }

    /** The hash every filter is built on: {@link KeyHash#hash64}, persisted, NEVER CHANGE IT. */
    static long hash64(byte[] key) {
        return KeyHash.hash64(key);
    }

    /** Collects key hashes while a table is written, then lays out the filter. Not thread-safe. */
    static final class Builder {
        private final int bitsPerKey;
        private final int probes;
        private long[] hashes = new long[1024];
        private int count;

        /** REQUIRES: {@code bitsPerKey >= 1}. */
        Builder(int bitsPerKey) {
            this.bitsPerKey = bitsPerKey;
            this.probes = probesFor(bitsPerKey);
        }

        /** Adds a user key; adding one twice only costs space. */
        void add(byte[] userKey) {
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            hashes[count++] = hash64(userKey);
        }

        /** The encoded filter block: bit array then the probe count byte. */
        byte[] finish() {
            long bits = Math.max(MIN_BITS, (long) count * bitsPerKey);
            long bytes = (bits + 7) / 8;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("bloom filter over 2 GiB: " + count + " keys");
            }
            byte[] out = new byte[(int) bytes + 1];
            long m = bytes * 8;
            for (int i = 0; i < count; i++) {
                long h = hashes[i];
                long delta = Long.rotateLeft(h, 31) | 1;
                for (int j = 0; j < probes; j++) {
                    long bit = Long.remainderUnsigned(h, m);
                    out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                    h += delta;
                }
            }
            out[(int) bytes] = (byte) probes;
            return out;
        }
    }
}
