package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;

import java.util.Arrays;

/**
 * Engine keys of the time-segmented stores (window, session): {@code [segment id, 8 bytes][family, 1 byte][store
 * key]}, the segment id big-endian with its sign bit flipped so ids sort as numbers. In family {@link #KEY_FIRST}
 * the store key is Kafka's RocksDB layout ({@code [key][window start][seq]} for windows, {@code [key][end][start]}
 * for sessions), so iteration follows Kafka's caching order: segment, then the store key's bytes (design §6a).
 * Stores that emit on window close also keep every record in family {@link #TIME_FIRST}, the time moved in front
 * ({@code [time][key][rest]}, sessions {@code [time][rest][key]}), for scans in Kafka's time order. Either way a
 * segment is one contiguous key range that retention drops whole.
 *
 * <p>Segment id {@link Long#MAX_VALUE} is never a data segment: its keys hold the store's own metadata, above every
 * data key, so a flush that carries a metadata write spans only the newest segments, not the whole key space (else
 * every compaction of L0 would rewrite every segment, and no table would ever lie wholly below the live ones).
 */
final class SegmentedKeys {
    static final int SEGMENT_BYTES = 8;
    static final int PREFIX_BYTES = SEGMENT_BYTES + 1;
    static final byte KEY_FIRST = 0;
    static final byte TIME_FIRST = 1;

    private SegmentedKeys() {
    }

    /** The first key of a segment: its 8 bytes alone. */
    static byte[] prefix(long segment) {
        byte[] p = new byte[SEGMENT_BYTES];
        writeLong(p, 0, segment ^ Long.MIN_VALUE);
        return p;
    }

    /** A key of family {@link #KEY_FIRST}. */
    static byte[] key(long segment, byte[] storeKey) {
        return key(segment, KEY_FIRST, storeKey);
    }

    static byte[] key(long segment, byte family, byte[] storeKey) {
        byte[] k = new byte[PREFIX_BYTES + storeKey.length];
        writeLong(k, 0, segment ^ Long.MIN_VALUE);
        k[SEGMENT_BYTES] = family;
        System.arraycopy(storeKey, 0, k, PREFIX_BYTES, storeKey.length);
        return k;
    }

    /**
     * Family {@link #TIME_FIRST} keys of {@code segment} with times in {@code [from, to]} (non-negative times:
     * a negative one sorts last, as in Kafka's layouts).
     */
    static KeyRange timeRange(long segment, long from, long to) {
        byte[] lower = timeKey(segment, TIME_FIRST, Math.max(from, 0));
        byte[] upper = to == Long.MAX_VALUE ? key(segment, (byte) (TIME_FIRST + 1), new byte[0])
                : timeKey(segment, TIME_FIRST, to + 1);
        return KeyRange.of(lower, true, upper, false);
    }

    private static byte[] timeKey(long segment, byte family, long time) {
        byte[] k = new byte[PREFIX_BYTES + 8];
        writeLong(k, 0, segment ^ Long.MIN_VALUE);
        k[SEGMENT_BYTES] = family;
        writeLong(k, PREFIX_BYTES, time);
        return k;
    }

    /**
     * Kafka's store key {@code [key][time][rest]} (time {@code suffixBytes} from the end) as {@code [time][key][rest]}
     * (windows: Kafka's time-ordered window order, time then key then seq), or with {@code restFirst} as
     * {@code [time][rest][key]} (sessions: Kafka's time-ordered session order, end then start then key).
     */
    static byte[] timeFirst(byte[] storeKey, int suffixBytes, boolean restFirst) {
        int keyLen = storeKey.length - suffixBytes;
        int rest = suffixBytes - 8;
        byte[] t = new byte[storeKey.length];
        System.arraycopy(storeKey, keyLen, t, 0, 8);
        System.arraycopy(storeKey, 0, t, restFirst ? 8 + rest : 8, keyLen);
        System.arraycopy(storeKey, keyLen + 8, t, restFirst ? 8 : 8 + keyLen, rest);
        return t;
    }

    /** The inverse of {@link #timeFirst}. */
    static byte[] keyFirst(byte[] timeFirst, int suffixBytes, boolean restFirst) {
        int keyLen = timeFirst.length - suffixBytes;
        int rest = suffixBytes - 8;
        byte[] k = new byte[timeFirst.length];
        System.arraycopy(timeFirst, restFirst ? 8 + rest : 8, k, 0, keyLen);
        System.arraycopy(timeFirst, 0, k, keyLen, 8);
        System.arraycopy(timeFirst, restFirst ? 8 : 8 + keyLen, k, keyLen + 8, rest);
        return k;
    }

    static long segment(byte[] engineKey) {
        return readLong(engineKey, 0) ^ Long.MIN_VALUE;
    }

    static byte[] storeKey(byte[] engineKey) {
        return Arrays.copyOfRange(engineKey, PREFIX_BYTES, engineKey.length);
    }

    /** A metadata key of the store: in the reserved segment, above every data segment. */
    static byte[] metaKey(String name) {
        return key(Long.MAX_VALUE, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Every data segment's keys, metadata excluded. */
    static KeyRange allData() {
        return KeyRange.of(prefix(Long.MIN_VALUE), true, prefix(Long.MAX_VALUE), false);
    }

    /** Every key of the data segments below {@code segment}. */
    static KeyRange dataBelow(long segment) {
        return KeyRange.of(prefix(Long.MIN_VALUE), true, prefix(segment), false);
    }

    /** Every key of one segment. */
    static KeyRange segment(long segment) {
        return segment == Long.MAX_VALUE
                ? KeyRange.of(prefix(segment), true, null, true)
                : KeyRange.of(prefix(segment), true, prefix(segment + 1), false);
    }

    /**
     * The keys of {@code segment} whose store key may hold a record key in {@code [keyFrom, keyTo]} (null: open),
     * where a store key is a record key followed by a {@code suffixBytes} suffix starting with a non-negative
     * big-endian timestamp (first byte below 0x80). A superset: callers filter by the exact record key.
     *
     * <p>The upper bound is {@code keyTo} cut before its first byte below 0x80, then 0xFF bytes: a record key
     * {@code k <= keyTo} that is a prefix of {@code keyTo} puts a timestamp byte (below 0x80) where {@code keyTo}
     * has a byte at or above 0x80 before the cut, or shares the cut prefix and continues with a byte below 0xFF.
     */
    static KeyRange range(long segment, byte[] keyFrom, byte[] keyTo, int suffixBytes) {
        byte[] lower = key(segment, keyFrom == null ? new byte[0] : keyFrom);
        if (keyTo == null) {
            return KeyRange.of(lower, true, key(segment, TIME_FIRST, new byte[0]), false);
        }
        int cut = 0;
        while (cut < keyTo.length && (keyTo[cut] & 0xFF) >= 0x80) {
            cut++;
        }
        byte[] upper = new byte[PREFIX_BYTES + cut + (keyTo.length - cut) + suffixBytes + 1];
        Arrays.fill(upper, (byte) 0xFF);
        writeLong(upper, 0, segment ^ Long.MIN_VALUE);
        upper[SEGMENT_BYTES] = KEY_FIRST;
        System.arraycopy(keyTo, 0, upper, PREFIX_BYTES, cut);
        return KeyRange.of(lower, true, upper, true);
    }

    static void writeLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
