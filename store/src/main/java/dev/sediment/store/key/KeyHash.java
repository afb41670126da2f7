package dev.sediment.store.key;

import dev.sediment.store.encoding.LittleEndian;

/**
 * The one hash of a user key: every table's bloom filter is built on it (so it is persisted: NEVER CHANGE
 * IT, a new hash needs a new table format version), and memtables' key filters use it too, so a point read
 * hashes its key once for every source it checks.
 */
public final class KeyHash {
    private KeyHash() {
    }

    /**
     * A 64-bit hash of {@code key}: 8-byte little-endian words mixed murmur-style, then a final
     * avalanche. Persisted through filters; NEVER CHANGE IT.
     */
    public static long hash64(byte[] key) {
        final long m = 0xC6A4A7935BD1E995L;
        int n = key.length;
        long h = 0x5EDD1AE7L ^ (n * m);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long w = LittleEndian.getLong(key, i) * m;
            w ^= w >>> 47;
            h = (h ^ (w * m)) * m;
        }
        if (i < n) {
            long w = 0;
            for (int s = 0; i < n; i++, s += 8) {
                w |= (key[i] & 0xFFL) << s;
            }
            h = (h ^ w) * m;
        }
        // fmix64 (MurmurHash3's finaliser): every input bit affects every output bit.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
