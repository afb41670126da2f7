package dev.sediment.store.memtable;

import dev.sediment.store.key.InternalKeys;

import java.util.Arrays;

/**
 * A memtable key: user key and trailer, in internal-key order. It carries the key's first eight bytes as
 * one unsigned long, so most comparisons in the skip list settle without reaching into the key array (a
 * cache miss per node visited, and most of a random put's time).
 */
final class MemKey implements Comparable<MemKey> {
    private final byte[] userKey;
    private final long trailer;
    private final long prefix;

    MemKey(byte[] userKey, long trailer) {
        this.userKey = userKey;
        this.trailer = trailer;
        long p = 0;
        int len = Math.min(8, userKey.length);
        for (int i = 0; i < len; i++) {
            p |= (userKey[i] & 0xFFL) << (56 - 8 * i);
        }
        this.prefix = p;
    }

    byte[] userKey() {
        return userKey;
    }

    long trailer() {
        return trailer;
    }

    @Override
    public int compareTo(MemKey o) {
        int c = Long.compareUnsigned(prefix, o.prefix);
        // Zero padding makes keys that differ in length tie here: the whole keys decide.
        return c != 0 ? c : InternalKeys.compare(userKey, trailer, o.userKey, o.trailer);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemKey && compareTo((MemKey) o) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(userKey) * 31 + Long.hashCode(trailer);
    }
}
