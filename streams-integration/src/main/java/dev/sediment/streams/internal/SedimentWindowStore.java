package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The innermost Kafka Streams window store on one Sediment engine store: bytes in, bytes out, Kafka's wrappers
 * (metering, caching, change-logging) around it. Keys are Kafka's window store keys {@code [key][window start
 * 8B][seq 4B]} behind their time segment ({@link SegmentedKeys}, {@link SegmentedStoreCore}), so multi-key
 * iterators return entries in the order Kafka's caching store merges with: segment of {@code segmentIntervalMs},
 * then key bytes, then window start. With {@code retainDuplicates} every put gets the next sequence number (as
 * Kafka's RocksDB window store numbers them, from 1 per store instance) and a null value is ignored.
 *
 * <p>{@link Timestamped} is the same store marked {@link TimestampedBytesStore}: values carry Kafka's 8-byte
 * timestamp prefix, as the DSL and {@code Stores.timestampedWindowStoreBuilder} expect; {@link WithHeaders} the
 * same marked {@link HeadersBytesStore} too, with values in Kafka's headers format.
 */
public class SedimentWindowStore extends SegmentedStateStore implements WindowStore<Bytes, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(SedimentWindowStore.class);
    private static final int SUFFIX_BYTES = 12; // window start + sequence number
    static final String PLAIN = "window";
    static final String TIMESTAMPED = "timestamped-window";
    static final String HEADERS = "headers-window";

    private final long windowSize;
    private final boolean retainDuplicates;
    private int seqnum;

    /** The timestamped format: the same store, marked for Kafka's timestamped builders and the DSL. */
    public static final class Timestamped extends SedimentWindowStore implements TimestampedBytesStore {
        public Timestamped(String name, long retentionPeriod, long segmentInterval, long windowSize,
                           boolean retainDuplicates, boolean timeOrdered) {
            super(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timeOrdered, TIMESTAMPED, Map.of());
        }
    }

    /**
     * Kafka's headers format (KIP-1271): values {@code [headersSize varint][headers][timestamp 8B][value]}, stored as
     * given; the markers make Kafka's headers builders use it without an adapter and restore deliver that format.
     * A timestamped (or plain) store's files are upgraded at open, every value with empty headers
     * ({@link FormatUpgrade}).
     */
    public static final class WithHeaders extends SedimentWindowStore implements TimestampedBytesStore, HeadersBytesStore {
        public WithHeaders(String name, long retentionPeriod, long segmentInterval, long windowSize,
                           boolean retainDuplicates, boolean timeOrdered) {
            super(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timeOrdered, HEADERS, Map.of(
                    TIMESTAMPED, HeadersBytesStore::convertToHeaderFormat,
                    PLAIN, HeadersBytesStore::convertFromPlainToHeaderFormat));
        }
    }

    /**
     * A plain store.
     *
     * @param timeOrdered also keep the windows in time order, so {@code all}, {@code fetchAll} and their backward
     *                    forms return them by window start, then key (as Kafka's time-ordered store for
     *                    {@code EmitStrategy.onWindowClose()} does, which the DSL runs without a cache)
     */
    public SedimentWindowStore(String name, long retentionPeriod, long segmentInterval, long windowSize,
                               boolean retainDuplicates, boolean timeOrdered) {
        this(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timeOrdered, PLAIN, Map.of());
    }

    /**
     * @param format   the value format recorded in the store's manifest
     * @param upgrades per older format, how its values become this format's (see {@link SegmentedStoreCore})
     */
    private SedimentWindowStore(String name, long retentionPeriod, long segmentInterval, long windowSize,
                                boolean retainDuplicates, boolean timeOrdered, String format,
                                Map<String, UnaryOperator<byte[]>> upgrades) {
        super(owner -> new SegmentedStoreCore(name, retentionPeriod, segmentInterval, owner, SUFFIX_BYTES, timeOrdered,
                format + duplicates(retainDuplicates), withSuffix(upgrades, duplicates(retainDuplicates))));
        this.windowSize = windowSize;
        this.retainDuplicates = retainDuplicates;
    }

    /** A READ_COMMITTED view of {@code live} (see {@link #readOnly}). */
    private SedimentWindowStore(SedimentWindowStore live) {
        super(live.segmented.committedView());
        this.windowSize = live.windowSize;
        this.retainDuplicates = live.retainDuplicates;
        this.seqnum = live.seqnum;
    }

    /**
     * KIP-892 (Kafka 4.4): at READ_COMMITTED in transactional mode, a view of the last commit point; otherwise
     * this store, which sees every write. No {@code @Override}: the method is not in Kafka 4.3.
     */
    public ReadOnlyWindowStore<Bytes, byte[]> readOnly(IsolationLevel level) {
        return segmented.core.readsCommitted(level) && !segmented.readsCommitted() ? new SedimentWindowStore(this) : this;
    }

    /** Duplicates are part of the format: their keys carry sequence numbers a store without them reads as windows. */
    private static String duplicates(boolean retainDuplicates) {
        return retainDuplicates ? "-with-duplicates" : "";
    }

    private static Map<String, UnaryOperator<byte[]>> withSuffix(Map<String, UnaryOperator<byte[]>> upgrades, String suffix) {
        Map<String, UnaryOperator<byte[]>> named = new java.util.HashMap<>();
        upgrades.forEach((format, convert) -> named.put(format + suffix, convert));
        return named;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(Bytes key, byte[] value, long windowStartTimestamp) {
        Objects.requireNonNull(key, "key cannot be null");
        if (value == null && retainDuplicates) {
            return; // no record to delete: every put of a duplicate store has a sequence number of its own
        }
        if (retainDuplicates) {
            seqnum = (seqnum + 1) & 0x7FFFFFFF;
        }
        segmented.put(storeKey(key.get(), windowStartTimestamp, seqnum), value);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] fetch(Bytes key, long timestamp) {
        Objects.requireNonNull(key, "key cannot be null");
        return segmented.get(storeKey(key.get(), timestamp, seqnum));
    }

    @Override
    public WindowStoreIterator<byte[]> fetch(Bytes key, long timeFrom, long timeTo) {
        return fetchKey(key, timeFrom, timeTo, false);
    }

    @Override
    public WindowStoreIterator<byte[]> backwardFetch(Bytes key, long timeFrom, long timeTo) {
        return fetchKey(key, timeFrom, timeTo, true);
    }

    private WindowStoreIterator<byte[]> fetchKey(Bytes key, long timeFrom, long timeTo, boolean reverse) {
        Objects.requireNonNull(key, "key cannot be null");
        long from = segmented.actualFrom(timeFrom);
        byte[] k = key.get();
        byte[] lower = storeKey(key.get(), Math.max(from, 0), 0); // negative times sort last
        byte[] upper = storeKey(key.get(), timeTo, Integer.MAX_VALUE);
        long[] segments = segmented.segments(from, timeTo, reverse);
        return segmented.track(new TimeIterator(segmented, segments,
                segment -> KeyRange.closed(SegmentedKeys.key(segment, lower), SegmentedKeys.key(segment, upper)),
                storeKey -> sameKey(storeKey, k) && inTime(storeKey, from, timeTo), reverse));
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
        return fetchRange(keyFrom, keyTo, timeFrom, timeTo, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
        return fetchRange(keyFrom, keyTo, timeFrom, timeTo, true);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetchAll(long timeFrom, long timeTo) {
        return fetchRange(null, null, timeFrom, timeTo, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetchAll(long timeFrom, long timeTo) {
        return fetchRange(null, null, timeFrom, timeTo, true);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> all() {
        return fetchRange(null, null, 0, Long.MAX_VALUE, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardAll() {
        return fetchRange(null, null, 0, Long.MAX_VALUE, true);
    }

    private KeyValueIterator<Windowed<Bytes>, byte[]> fetchRange(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo,
                                                                 boolean reverse) {
        if (KafkaKeyRanges.inverted(keyFrom, keyTo, log)) {
            return segmented.iterate(new long[0], s -> null, k -> false, this::windowed, reverse);
        }
        if (keyFrom == null && keyTo == null && segmented.timeIndexed()) {
            // As Kafka's time-ordered store: one millisecond further back than reads by key, so the window that
            // closes exactly as stream time reaches its end + grace (= retention) is still read by onWindowClose.
            long first = segmented.actualFromByTime(timeFrom);
            return segmented.iterateByTime(first, timeTo, storeKey -> inTime(storeKey, first, timeTo), this::windowed, reverse);
        }
        long from = segmented.actualFrom(timeFrom);
        byte[] kf = keyFrom == null ? null : keyFrom.get();
        byte[] kt = keyTo == null ? null : keyTo.get();
        return segmented.iterate(segmented.segments(from, timeTo, reverse),
                segment -> SegmentedKeys.range(segment, kf, kt, SUFFIX_BYTES),
                storeKey -> inKeys(storeKey, kf, kt) && inTime(storeKey, from, timeTo), this::windowed, reverse);
    }

    /** Kafka's window store key (its RocksDB layout, also its changelog key): {@code [key][start 8B][seq 4B]}. */
    static byte[] storeKey(byte[] key, long windowStart, int seq) {
        byte[] k = Arrays.copyOf(key, key.length + SUFFIX_BYTES);
        SegmentedKeys.writeLong(k, key.length, windowStart);
        k[key.length + 8] = (byte) (seq >>> 24);
        k[key.length + 9] = (byte) (seq >>> 16);
        k[key.length + 10] = (byte) (seq >>> 8);
        k[key.length + 11] = (byte) seq;
        return k;
    }

    private Windowed<Bytes> windowed(byte[] storeKey) {
        long start = SegmentedKeys.readLong(storeKey, storeKey.length - SUFFIX_BYTES);
        long end = start + windowSize;
        return new Windowed<>(Bytes.wrap(Arrays.copyOf(storeKey, storeKey.length - SUFFIX_BYTES)),
                KafkaInternals.timeWindow(start, end < 0 ? Long.MAX_VALUE : end));
    }

    private static boolean sameKey(byte[] storeKey, byte[] key) {
        return storeKey.length - SUFFIX_BYTES == key.length && Arrays.equals(storeKey, 0, key.length, key, 0, key.length);
    }

    private static boolean inKeys(byte[] storeKey, byte[] from, byte[] to) {
        int n = storeKey.length - SUFFIX_BYTES;
        return (from == null || Arrays.compareUnsigned(storeKey, 0, n, from, 0, from.length) >= 0)
                && (to == null || Arrays.compareUnsigned(storeKey, 0, n, to, 0, to.length) <= 0);
    }

    private static boolean inTime(byte[] storeKey, long from, long to) {
        long t = SegmentedKeys.readLong(storeKey, storeKey.length - SUFFIX_BYTES);
        return t >= from && t <= to;
    }

    /** A single key's windows: window start to value. */
    private static final class TimeIterator extends SegmentedIterator<Long> implements WindowStoreIterator<byte[]> {
        TimeIterator(SegmentedStoreCore segmented, long[] segments, java.util.function.LongFunction<KeyRange> rangeOf,
                     java.util.function.Predicate<byte[]> accept, boolean reverse) {
            super(segmented.openReader(), segments, rangeOf, k -> k, accept,
                    k -> SegmentedKeys.readLong(k, k.length - SUFFIX_BYTES), reverse, segmented.openIterators()::remove);
        }
    }

    // ---------------------------------------------------------------- metrics

    /** Records refused because their window had expired, since open. */
    long expiredRecords() {
        return segmented.expiredRecords();
    }
}
