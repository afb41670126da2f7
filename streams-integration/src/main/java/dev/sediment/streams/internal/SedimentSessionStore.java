package dev.sediment.streams.internal;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlySessionStore;
import org.apache.kafka.streams.state.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The innermost Kafka Streams session store on one Sediment engine store. Keys are Kafka's session store keys
 * {@code [key][end 8B][start 8B]} behind the time segment of the session's end ({@link SegmentedKeys},
 * {@link SegmentedStoreCore}), so iterators return sessions in the order Kafka's caching session store merges
 * with (segment of the end time, then key bytes, end, start). A session is found by
 * {@code findSessions(earliestEnd, latestStart)} when its end is at or after {@code earliestEnd} and its start at
 * or before {@code latestStart}; sessions ending before stream time minus retention are never returned.
 */
public class SedimentSessionStore extends SegmentedStateStore implements SessionStore<Bytes, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(SedimentSessionStore.class);
    private static final int SUFFIX_BYTES = 16; // end + start
    static final String PLAIN = "session";
    static final String HEADERS = "headers-session";

    /**
     * Kafka's headers format (KIP-1271): aggregates {@code [headersSize varint][headers][aggregate]}, stored as given;
     * the marker makes Kafka's headers builder use it without an adapter and restore deliver that format. A plain
     * session store's files are upgraded at open, every aggregate with empty headers ({@link FormatUpgrade}).
     */
    public static final class WithHeaders extends SedimentSessionStore implements HeadersBytesStore {
        public WithHeaders(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
            super(name, retentionPeriod, segmentInterval, timeOrdered, HEADERS,
                    Map.of(PLAIN, HeadersBytesStore::convertToHeaderFormat));
        }
    }

    /**
     * A plain store.
     *
     * @param timeOrdered also keep the sessions in end-time order, so {@code findSessions(earliestEnd, latestEnd)}
     *                    returns them by end, then start, then key (as Kafka's time-ordered session store for
     *                    {@code EmitStrategy.onWindowClose()} does)
     */
    public SedimentSessionStore(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
        this(name, retentionPeriod, segmentInterval, timeOrdered, PLAIN, Map.of());
    }

    private SedimentSessionStore(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered,
                                 String format, Map<String, UnaryOperator<byte[]>> upgrades) {
        super(owner -> new SegmentedStoreCore(name, retentionPeriod, segmentInterval, owner, SUFFIX_BYTES, timeOrdered,
                format, upgrades));
    }

    /** A READ_COMMITTED view of {@code live} (see {@link #readOnly}). */
    private SedimentSessionStore(SedimentSessionStore live) {
        super(live.segmented.committedView());
    }

    /**
     * KIP-892 (Kafka 4.4): at READ_COMMITTED in transactional mode, a view of the last commit point; otherwise
     * this store, which sees every write. No {@code @Override}: the method is not in Kafka 4.3.
     */
    public ReadOnlySessionStore<Bytes, byte[]> readOnly(IsolationLevel level) {
        return segmented.core.readsCommitted(level) && !segmented.readsCommitted() ? new SedimentSessionStore(this) : this;
    }

    private static long end(byte[] storeKey) {
        return SegmentedKeys.readLong(storeKey, storeKey.length - SUFFIX_BYTES);
    }

    private static long start(byte[] storeKey) {
        return SegmentedKeys.readLong(storeKey, storeKey.length - 8);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(Windowed<Bytes> sessionKey, byte[] aggregate) {
        Objects.requireNonNull(sessionKey, "sessionKey cannot be null");
        Objects.requireNonNull(sessionKey.key(), "key cannot be null");
        segmented.put(storeKey(sessionKey.key().get(), sessionKey.window().start(), sessionKey.window().end()), aggregate);
    }

    @Override
    public void remove(Windowed<Bytes> sessionKey) {
        put(sessionKey, null);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] fetchSession(Bytes key, long sessionStartTime, long sessionEndTime) {
        Objects.requireNonNull(key, "key cannot be null");
        return segmented.get(storeKey(key.get(), sessionStartTime, sessionEndTime));
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> findSessions(Bytes key, long earliestSessionEndTime,
                                                                  long latestSessionStartTime) {
        return findKey(key, earliestSessionEndTime, latestSessionStartTime, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFindSessions(Bytes key, long earliestSessionEndTime,
                                                                          long latestSessionStartTime) {
        return findKey(key, earliestSessionEndTime, latestSessionStartTime, true);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> findSessions(Bytes keyFrom, Bytes keyTo, long earliestSessionEndTime,
                                                                  long latestSessionStartTime) {
        return findRange(keyFrom, keyTo, earliestSessionEndTime, latestSessionStartTime, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFindSessions(Bytes keyFrom, Bytes keyTo,
                                                                          long earliestSessionEndTime,
                                                                          long latestSessionStartTime) {
        return findRange(keyFrom, keyTo, earliestSessionEndTime, latestSessionStartTime, true);
    }

    /**
     * Every key's sessions ending in {@code [earliestSessionEndTime, latestSessionEndTime]}, down to the oldest live
     * segment: not cut at stream time minus retention, as Kafka's time-ordered session store does not cut it,
     * because {@code emitStrategy(onWindowClose())} asks for sessions once they have closed, which with the
     * DSL's retention (gap plus grace) is when they are older than that.
     */
    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> findSessions(long earliestSessionEndTime, long latestSessionEndTime) {
        long from = earliestSessionEndTime;
        if (segmented.timeIndexed()) {
            return segmented.iterateByTime(from, latestSessionEndTime,
                    storeKey -> end(storeKey) >= from && end(storeKey) <= latestSessionEndTime,
                    SedimentSessionStore::windowed, false);
        }
        return segmented.iterate(segmented.segments(from, latestSessionEndTime, false),
                segment -> SegmentedKeys.range(segment, null, null, SUFFIX_BYTES),
                storeKey -> end(storeKey) >= from && end(storeKey) <= latestSessionEndTime,
                SedimentSessionStore::windowed, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes key) {
        return findKey(key, 0, Long.MAX_VALUE, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes key) {
        return findKey(key, 0, Long.MAX_VALUE, true);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo) {
        return findRange(keyFrom, keyTo, 0, Long.MAX_VALUE, false);
    }

    @Override
    public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes keyFrom, Bytes keyTo) {
        return findRange(keyFrom, keyTo, 0, Long.MAX_VALUE, true);
    }

    private KeyValueIterator<Windowed<Bytes>, byte[]> findKey(Bytes key, long earliestEnd, long latestStart,
                                                              boolean reverse) {
        Objects.requireNonNull(key, "key cannot be null");
        long from = segmented.actualFrom(earliestEnd);
        byte[] k = key.get();
        byte[] lower = storeKey(key.get(), 0, Math.max(from, 0)); // negative times sort last
        byte[] upper = storeKey(key.get(), Long.MAX_VALUE, Long.MAX_VALUE);
        return segmented.iterate(segmented.segments(from, Long.MAX_VALUE, reverse),
                segment -> dev.sediment.store.KeyRange.closed(SegmentedKeys.key(segment, lower),
                        SegmentedKeys.key(segment, upper)),
                storeKey -> sameKey(storeKey, k) && end(storeKey) >= from && start(storeKey) <= latestStart,
                SedimentSessionStore::windowed, reverse);
    }

    private KeyValueIterator<Windowed<Bytes>, byte[]> findRange(Bytes keyFrom, Bytes keyTo, long earliestEnd,
                                                                long latestStart, boolean reverse) {
        if (KafkaKeyRanges.inverted(keyFrom, keyTo, log)) {
            return segmented.iterate(new long[0], s -> null, k -> false, SedimentSessionStore::windowed, reverse);
        }
        long from = segmented.actualFrom(earliestEnd);
        byte[] kf = keyFrom == null ? null : keyFrom.get();
        byte[] kt = keyTo == null ? null : keyTo.get();
        return segmented.iterate(segmented.segments(from, Long.MAX_VALUE, reverse),
                segment -> SegmentedKeys.range(segment, kf, kt, SUFFIX_BYTES),
                storeKey -> inKeys(storeKey, kf, kt) && end(storeKey) >= from && start(storeKey) <= latestStart,
                SedimentSessionStore::windowed, reverse);
    }

    /** Kafka's session store key (its RocksDB layout, also its changelog key): {@code [key][end 8B][start 8B]}. */
    static byte[] storeKey(byte[] key, long start, long end) {
        byte[] k = Arrays.copyOf(key, key.length + SUFFIX_BYTES);
        SegmentedKeys.writeLong(k, key.length, end);
        SegmentedKeys.writeLong(k, key.length + 8, start);
        return k;
    }

    private static Windowed<Bytes> windowed(byte[] storeKey) {
        return new Windowed<>(Bytes.wrap(Arrays.copyOf(storeKey, storeKey.length - SUFFIX_BYTES)),
                KafkaInternals.sessionWindow(start(storeKey), end(storeKey)));
    }

    private static boolean sameKey(byte[] storeKey, byte[] key) {
        return storeKey.length - SUFFIX_BYTES == key.length && Arrays.equals(storeKey, 0, key.length, key, 0, key.length);
    }

    private static boolean inKeys(byte[] storeKey, byte[] from, byte[] to) {
        int n = storeKey.length - SUFFIX_BYTES;
        return (from == null || Arrays.compareUnsigned(storeKey, 0, n, from, 0, from.length) >= 0)
                && (to == null || Arrays.compareUnsigned(storeKey, 0, n, to, 0, to.length) <= 0);
    }
}
