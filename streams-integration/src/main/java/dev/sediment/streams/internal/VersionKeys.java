package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;

import java.nio.ByteBuffer;

/**
 * The engine layout of a versioned store (design §6a): one engine entry per version of a key, the versions
 * of a key adjacent and sorted by {@code validFrom} descending, so an as-of read is one forward seek.
 *
 * <pre>
 * version key  := 0x01 keyLength:varint(unsigned LEB128) key validFrom:desc64
 * desc64       := (~validFrom) XOR 0x8000000000000000, big-endian  (newest first under unsigned comparison)
 * version value:= timestamp:i64(big-endian) value   a record: Kafka's serialized ValueAndTimestamp, byte for byte
 *               | (empty)                          a tombstone written as the key's newest version
 *               | 0x01                             a tombstone written below a newer version
 * meta key     := 0x00 name                         e.g. the observed stream time: 0x00 "stream-time" -> i64
 * </pre>
 * The length prefix makes the key part prefix-free, so one key's versions never interleave with another
 * key's (a raw key followed by a timestamp would: "a"+ts and "a\0..."). Persisted codes never change.
 */
final class VersionKeys {
    private static final byte VERSION_SPACE = 0x01;
    private static final byte META_SPACE = 0x00;
    /** The observed stream time, an 8-byte big-endian long, written with the data it describes. */
    static final byte[] STREAM_TIME = meta("stream-time");
    /**
     * Kafka's store keeps a tombstone put as the newest record as the end of the record before it (or not at
     * all), so that end stays below any later version; one put below a newer version is a null record that
     * ends at that version. The two differ only in the validTo a later put gets once the newer version is
     * erased (see {@code SedimentVersionedStore.erasesLatest}), so both kinds are kept apart.
     */
    static final byte[] TOMBSTONE = new byte[0];
    static final byte[] BOUNDED_TOMBSTONE = {0x01};

    private VersionKeys() {
    }

    private static byte[] meta(String name) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] k = new byte[n.length + 1];
        k[0] = META_SPACE;
        System.arraycopy(n, 0, k, 1, n.length);
        return k;
    }

    /** Whether an engine key is a version key (not meta). */
    static boolean isVersionKey(byte[] engineKey) {
        return engineKey.length > 8 && engineKey[0] == VERSION_SPACE;
    }

    /** {@code 0x01 len key}: the prefix shared by every version of {@code key} and nothing else. */
    static byte[] prefix(byte[] key) {
        int lenBytes = varintLength(key.length);
        byte[] p = new byte[1 + lenBytes + key.length];
        p[0] = VERSION_SPACE;
        int pos = 1;
        int v = key.length;
        while ((v & ~0x7F) != 0) {
            p[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        p[pos++] = (byte) v;
        System.arraycopy(key, 0, p, pos, key.length);
        return p;
    }

    private static int varintLength(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** The engine key of {@code key}'s version valid from {@code validFrom}. */
    static byte[] versionKey(byte[] prefix, long validFrom) {
        byte[] k = new byte[prefix.length + 8];
        System.arraycopy(prefix, 0, k, 0, prefix.length);
        ByteBuffer.wrap(k, prefix.length, 8).putLong(~validFrom ^ Long.MIN_VALUE);
        return k;
    }

    /** The {@code validFrom} of an engine key made by {@link #versionKey}. */
    static long validFrom(byte[] versionKey) {
        return ~(ByteBuffer.wrap(versionKey, versionKey.length - 8, 8).getLong() ^ Long.MIN_VALUE);
    }

    /** Versions valid from {@code validFrom} or earlier, newest first (iterate forward). */
    static KeyRange atOrBefore(byte[] prefix, long validFrom) {
        return KeyRange.of(versionKey(prefix, validFrom), true, versionKey(prefix, Long.MIN_VALUE), true);
    }

    /** Versions valid from after {@code validFrom}; iterated in reverse, oldest first. */
    static KeyRange after(byte[] prefix, long validFrom) {
        if (validFrom == Long.MAX_VALUE) {
            return KeyRange.of(new byte[] {1}, true, new byte[] {0}, true); // empty
        }
        return KeyRange.of(versionKey(prefix, Long.MAX_VALUE), true, versionKey(prefix, validFrom), false);
    }

    /** Every version of a key. */
    static KeyRange all(byte[] prefix) {
        return KeyRange.of(versionKey(prefix, Long.MAX_VALUE), true, versionKey(prefix, Long.MIN_VALUE), true);
    }

    /** A version value: Kafka's {@code [timestamp][value]}, or {@link #TOMBSTONE} for a null value. */
    static byte[] versionValue(byte[] value, long timestamp) {
        return versionValue(value, timestamp, false);
    }

    /** As {@link #versionValue(byte[], long)}; a null value below a newer version is a {@link #BOUNDED_TOMBSTONE}. */
    static byte[] versionValue(byte[] value, long timestamp, boolean belowNewer) {
        if (value == null) {
            return belowNewer ? BOUNDED_TOMBSTONE : TOMBSTONE;
        }
        byte[] v = new byte[8 + value.length];
        ByteBuffer.wrap(v).putLong(timestamp).put(value);
        return v;
    }

    static boolean isTombstone(byte[] versionValue) {
        return versionValue.length < 8; // a record has at least its timestamp
    }

    static boolean isBoundedTombstone(byte[] versionValue) {
        return versionValue.length == 1 && versionValue[0] == BOUNDED_TOMBSTONE[0];
    }

    /** The record value without its timestamp. REQUIRES: not a tombstone. */
    static byte[] rawValue(byte[] versionValue) {
        byte[] v = new byte[versionValue.length - 8];
        System.arraycopy(versionValue, 8, v, 0, v.length);
        return v;
    }

    static byte[] encodeLong(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long decodeLong(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }
}
