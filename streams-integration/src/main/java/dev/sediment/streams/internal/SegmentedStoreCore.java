package dev.sediment.streams.internal;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.WriteBatch;
import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The time-segmented part of window and session stores, on one engine store ({@link EngineStoreCore}) whatever
 * the number of segments: keys carry their segment first ({@link SegmentedKeys}), {@code segment = time /
 * segmentInterval} of the store key's segment time (a window's start, a session's end).
 *
 * <p>Retention as Kafka's segmented stores apply it: the observed stream time is the largest segment time put
 * or restored; a record whose segment is below {@code segment(streamTime - retention)} is refused and counted in
 * the task's dropped-records sensor; reads never return records older than {@code streamTime - retention + 1};
 * segments below the oldest live one are dropped from the engine as a range ({@link #dropExpired}), once a
 * durable commit point's stream time has expired them: a crash may roll the store back to an older commit point,
 * and what was live there must still be there (the records replayed or reprocessed after it may read it).
 *
 * <p>{@link #committedView()} reads the same segments at the last commit point (KIP-892's READ_COMMITTED): a
 * window or session store answers through it by holding it in place of this core. Retention bounds are the
 * live ones, which only ever hide more.
 *
 * <p>What survives a reopen: the lowest live segment (a metadata key written before segments are dropped, so a
 * dropped segment never comes back) and the observed stream time as of the last commit, raised to the start
 * of the highest segment holding data.
 */
final class SegmentedStoreCore {
    private static final Logger log = LoggerFactory.getLogger(SegmentedStoreCore.class);
    private static final byte[] LOWEST_LIVE_SEGMENT = SegmentedKeys.metaKey("lowest-live-segment");
    private static final byte[] STREAM_TIME = SegmentedKeys.metaKey("observed-stream-time");
    private static final long NO_SEGMENT = Long.MIN_VALUE;
    private static final int MAX_PENDING_COMMITS = 1024;

    final EngineStoreCore core;
    /** Whose state reads use: this core, or for a committed view the live core it reads beside. */
    private final SegmentedStoreCore base;
    private final boolean readCommitted;
    private final long retentionMs;
    private final long segmentIntervalMs;
    private final int suffixBytes;
    private final boolean timeIndex;
    /** Time-first keys {@code [time][rest][key]}: a session store's, ordered as Kafka's (end, start, key). */
    private final boolean restFirst;
    private final Set<SegmentedIterator<?>> openIterators;
    private final AtomicLong expiredRecords = new AtomicLong();
    private final AtomicLong droppedTables = new AtomicLong();
    private final AtomicLong droppedBytes = new AtomicLong();
    /**
     * Commit points made outside restores that may not be durable yet, oldest first: {revision at or above the
     * commit point's, the stream time it holds}. Every state a crash can roll back to from now on holds at least
     * the stream time of the newest of them at or below the engine's recovery point.
     */
    private final ArrayDeque<long[]> pendingCommitTimes = new ArrayDeque<>();
    /** The stream time every recovery from now on starts at or above; -1 if none is known. */
    private long durableStreamTime = -1;
    private volatile long observedStreamTime = -1;
    private long persistedStreamTime = -1;
    /** Segments below this one are dropped; persisted. */
    private volatile long lowestLive = NO_SEGMENT;
    /** Bounds of the segments that may hold data (lowest may be below lowestLive until data is dropped). */
    private volatile long lowestSegment = Long.MAX_VALUE;
    private volatile long highestSegment = Long.MIN_VALUE;
    private Sensor expiredRecordSensor;
    private StateStoreContext context;

    /**
     * @param suffixBytes bytes after the record key in Kafka's store key; the first 8 are the segment time
     *                    (window start, session end)
     * @param timeIndex   also keep every record in time order ({@link SegmentedKeys#TIME_FIRST}), for stores
     *                    that emit on window close and scan closed windows by time
     * @param format      the store's value format, recorded in its manifest (e.g. "timestamped-window")
     * @param upgrades    per older format (named as {@code format} is), how one of its values becomes one of
     *                    {@code format}: files in such a format are rewritten at open ({@link FormatUpgrade})
     */
    SegmentedStoreCore(String name, long retentionMs, long segmentIntervalMs, TransactionCommitListener owner,
                       int suffixBytes, boolean timeIndex, String format, Map<String, UnaryOperator<byte[]>> upgrades) {
        this.retentionMs = retentionMs;
        this.segmentIntervalMs = segmentIntervalMs;
        this.suffixBytes = suffixBytes;
        this.timeIndex = timeIndex;
        // Session stores (plain or headers) keep time-first keys as [end][start][key] (Kafka's order); the layout
        // changed once, so their tag refuses files of the old one.
        this.restFirst = format.endsWith("session");
        String suffix = timeIndex ? (restFirst ? "-time-indexed-end-start-key" : "-time-indexed") : "";
        Map<String, UnaryOperator<byte[]>> from = new HashMap<>();
        upgrades.forEach((old, convert) -> from.put(old + suffix, convert));
        this.core = new EngineStoreCore(name, owner, this::restoreRecord, format + suffix, SegmentedKeys.SEGMENT_BYTES,
                null, from.isEmpty() ? null : new FormatUpgrade(from, SegmentedKeys.allData()));
        this.base = this;
        this.readCommitted = false;
        this.openIterators = ConcurrentHashMap.newKeySet();
    }

    /** A committed view of {@code live}. */
    private SegmentedStoreCore(SegmentedStoreCore live) {
        this.retentionMs = live.retentionMs;
        this.segmentIntervalMs = live.segmentIntervalMs;
        this.suffixBytes = live.suffixBytes;
        this.timeIndex = live.timeIndex;
        this.restFirst = live.restFirst;
        this.core = live.core;
        this.base = live;
        this.readCommitted = true;
        this.openIterators = live.openIterators; // closed with the store
    }

    /**
     * Reads of this store as of its last commit point: what a crash or a dirty close would keep. Its reads are
     * this core's; it refuses writes, commits and opening. Cheap: make one per query.
     */
    SegmentedStoreCore committedView() {
        return new SegmentedStoreCore(base);
    }

    /** Whether this is a {@link #committedView()}. */
    boolean readsCommitted() {
        return readCommitted;
    }

    /**
     * A reader for one read or iterator: the store, or a snapshot at the last commit point to close after it
     * (on a closed store the store, which then throws if read, as the live reads do).
     */
    EngineReader openReader() {
        return readCommitted && core.isOpen() ? EngineReader.pinned(core.committedSnapshot())
                : EngineReader.live(core::store);
    }

    private void checkWritable(String what) {
        if (readCommitted) {
            throw new UnsupportedOperationException("cannot " + what + " through a READ_COMMITTED view of store "
                    + core.name());
        }
    }

    /** The segment time of Kafka's store key. */
    long segmentTime(byte[] storeKey) {
        return SegmentedKeys.readLong(storeKey, storeKey.length - suffixBytes);
    }

    long segmentId(long time) {
        return time / segmentIntervalMs;
    }

    void init(StateStoreContext context, StateStore root) {
        checkWritable("open");
        this.context = context;
        if (core.init(context, root)) {
            load(core.requireOpen());
            StoreGauges gauges = core.gauges();
            if (gauges != null) {
                gauges.add("retention-dropped-tables-total", "tables removed whole by retention since open",
                        droppedTables::get);
                gauges.add("retention-dropped-bytes-total", "bytes of the tables removed by retention since open",
                        droppedBytes::get);
                gauges.add("expired-records-total", "records refused since open because their segment had expired",
                        expiredRecords::get);
                gauges.add("observed-stream-time", "the largest segment time put or restored", () -> observedStreamTime);
            }
        }
        expiredRecordSensor = KafkaInternals.droppedRecordsSensor(context);
    }

    private void load(Store s) {
        byte[] live = s.get(LOWEST_LIVE_SEGMENT);
        lowestLive = live == null ? NO_SEGMENT : SegmentedKeys.readLong(live, 0);
        byte[] time = s.get(STREAM_TIME);
        persistedStreamTime = time == null ? -1 : SegmentedKeys.readLong(time, 0);
        lowestSegment = Long.MAX_VALUE;
        highestSegment = Long.MIN_VALUE;
        try (StoreIterator first = s.iterator(SegmentedKeys.allData(), false)) {
            if (first.valid()) {
                lowestSegment = SegmentedKeys.segment(first.key());
            }
        }
        try (StoreIterator last = s.iterator(SegmentedKeys.allData(), true)) {
            if (last.valid()) {
                highestSegment = SegmentedKeys.segment(last.key());
            }
        }
        long t = persistedStreamTime;
        if (highestSegment != Long.MIN_VALUE) {
            t = Math.max(t, highestSegment * segmentIntervalMs);
        }
        observedStreamTime = t;
        // The state opened is durable (a recovery point, or flushed writes of a store never committed).
        pendingCommitTimes.clear();
        durableStreamTime = persistedStreamTime;
        if (t >= 0) {
            // Segments this stream time expired may be partly dropped already: never read them.
            lowestLive = Math.max(lowestLive, segmentId(t - retentionMs));
        }
    }

    long observedStreamTime() {
        return observedStreamTime;
    }

    long expiredRecords() {
        return expiredRecords.get();
    }

    // ---------------------------------------------------------------- writes

    /** Puts (or deletes, for a null value) one record, unless its segment has expired: then it is counted as dropped. */
    void put(byte[] storeKey, byte[] value) {
        checkWritable("write");
        Store s = core.store();
        long time = segmentTime(storeKey);
        long streamTime = Math.max(observedStreamTime, time);
        observedStreamTime = streamTime;
        long segment = segmentId(time);
        long minLive = segmentId(streamTime - retentionMs);
        if (segment < minLive || segment < lowestLive) {
            expiredRecords.incrementAndGet();
            if (expiredRecordSensor != null) {
                expiredRecordSensor.record(1.0d, KafkaInternals.currentSystemTimeMs(context));
            }
            log.debug("store {}: skipping a record of expired segment {} (stream time {})", core.name(), segment, streamTime);
        } else {
            if (timeIndex) {
                WriteBatch batch = new WriteBatch();
                add(batch, segment, storeKey, value);
                s.write(batch);
            } else {
                byte[] key = SegmentedKeys.key(segment, storeKey);
                if (value == null) {
                    s.delete(key);
                } else {
                    s.put(key, value);
                }
            }
            noteSegment(segment);
            core.written(storeKey.length + (value == null ? 0 : value.length));
        }
        dropExpired(s, minLive);
    }

    private void noteSegment(long segment) {
        if (segment < lowestSegment) {
            lowestSegment = segment;
        }
        if (segment > highestSegment) {
            highestSegment = segment;
        }
    }

    /** A restored changelog record: refused as in {@link #put} (without counting), else into the batch. */
    private void restoreRecord(ConsumerRecord<byte[], byte[]> r, WriteBatch batch) {
        long time = segmentTime(r.key());
        long streamTime = Math.max(observedStreamTime, time);
        observedStreamTime = streamTime;
        long segment = segmentId(time);
        if (segment < segmentId(streamTime - retentionMs) || segment < lowestLive) {
            return;
        }
        add(batch, segment, r.key(), r.value());
        noteSegment(segment);
    }

    /** The record's writes: its key-first entry, and its time-first one if the store keeps them. */
    private void add(WriteBatch batch, long segment, byte[] storeKey, byte[] value) {
        byte[] key = SegmentedKeys.key(segment, storeKey);
        byte[] timeKey = timeIndex
                ? SegmentedKeys.key(segment, SegmentedKeys.TIME_FIRST, SegmentedKeys.timeFirst(storeKey, suffixBytes, restFirst)) : null;
        if (value == null) {
            batch.delete(key);
            if (timeKey != null) {
                batch.delete(timeKey);
            }
        } else {
            batch.put(key, value);
            if (timeKey != null) {
                batch.put(timeKey, value);
            }
        }
    }

    boolean timeIndexed() {
        return timeIndex;
    }

    /**
     * Segments below {@code minLive} expired: record that first (so they never come back after a reopen), then
     * drop them from the engine.
     */
    private void dropExpired(Store s, long minLive) {
        if (raiseLowestLive(minLive)) {
            dropTables(s);
        }
    }

    /**
     * Segments below {@code minLive} expired: records that, so they are never read or written again. During a
     * restore the record goes after the records gathered, so no crash recovers it ahead of them.
     */
    private boolean raiseLowestLive(long minLive) {
        if (minLive <= lowestLive) {
            return false;
        }
        byte[] v = new byte[8];
        SegmentedKeys.writeLong(v, 0, minLive);
        core.putAfterRestored(LOWEST_LIVE_SEGMENT, v);
        lowestLive = minLive;
        return true;
    }

    /**
     * Drops the tables wholly below the lowest live segment, as far as a durable commit point's stream time has
     * expired them (a crash rolls back to such a point at the oldest, and no read there may miss a live segment).
     * Called again at every commit: what is left below (in memtables, in tables holding a live segment too, or
     * not yet expired at the recovery point) goes once flushes, compactions (which cut their outputs at segment
     * boundaries) and newer durable commit points allow. Reads never go below the lowest live segment meanwhile.
     */
    private void dropTables(Store s) {
        if (lowestLive == NO_SEGMENT) {
            return;
        }
        // The durable recovery point (its manifest record synced), not stats()'s, which may not be synced yet.
        long recovery = s.recoveryRevision().orElse(-1);
        while (!pendingCommitTimes.isEmpty() && pendingCommitTimes.peekFirst()[0] <= recovery) {
            durableStreamTime = Math.max(durableStreamTime, pendingCommitTimes.pollFirst()[1]);
        }
        if (durableStreamTime < 0) {
            return;
        }
        long below = Math.min(lowestLive, segmentId(durableStreamTime - retentionMs));
        DroppedTables d = s.dropRange(SegmentedKeys.dataBelow(below));
        droppedTables.addAndGet(d.tables());
        droppedBytes.addAndGet(d.bytes());
        lowestSegment = Math.max(lowestSegment, below);
    }

    /** Notes a commit point just made outside a restore (see {@link #pendingCommitTimes}). */
    private void notePendingCommit(Store s, long streamTime) {
        long revision = s.lastRevision();
        long[] last = pendingCommitTimes.peekLast();
        if (last != null && last[0] == revision) {
            last[1] = Math.max(last[1], streamTime); // no write since: the same state
            return;
        }
        if (pendingCommitTimes.size() >= MAX_PENDING_COMMITS) {
            // Forget the newest but one: the new entry covers it later (higher revision, no lower stream time),
            // so drops only wait a little longer.
            long[] newest = pendingCommitTimes.pollLast();
            pendingCommitTimes.pollLast();
            pendingCommitTimes.addLast(newest);
        }
        pendingCommitTimes.addLast(new long[] {revision, streamTime});
    }

    /** Tables removed by retention since open. */
    long droppedTables() {
        return droppedTables.get();
    }

    /** Bytes of the tables removed by retention since open. */
    long droppedBytes() {
        return droppedBytes.get();
    }

    /**
     * Persists the stream time (during a restore with the records gathered, so the commit point recorded after
     * them holds the stream time they reach) and applies retention, then records a commit point.
     */
    void commit(Map<TopicPartition, Long> offsets) {
        checkWritable("commit");
        Store s = core.requireOpen();
        long t = observedStreamTime;
        if (t > persistedStreamTime) {
            byte[] v = new byte[8];
            SegmentedKeys.writeLong(v, 0, t);
            core.putAfterRestored(STREAM_TIME, v);
            persistedStreamTime = t;
        }
        // Every commit applies retention, also one made while restored records are still gathered: a
        // commit right after a restore is an ordinary processing commit though the records may not be
        // applied yet. Only tables wait for a durable commit point outside a restore to be dropped.
        raiseLowestLive(segmentId(t - retentionMs));
        boolean restoring = core.restoring();
        core.commit(offsets);
        if (!restoring) {
            notePendingCommit(s, t);
            dropTables(s);
        }
    }

    // ---------------------------------------------------------------- reads

    /** The earliest segment time a read may return. */
    long actualFrom(long from) {
        return Math.max(from, base.observedStreamTime - retentionMs + 1);
    }

    /** The earliest segment time a read in time order (a time-indexed store's all-keys reads) may return. */
    long actualFromByTime(long from) {
        return Math.max(from, base.observedStreamTime - retentionMs);
    }

    /** Null on a closed store, as Kafka's segmented stores answer once their segments are closed. */
    byte[] get(byte[] storeKey) {
        if (!core.isOpen()) {
            return null;
        }
        long time = segmentTime(storeKey);
        if (time < base.observedStreamTime - retentionMs + 1) {
            return null;
        }
        long segment = segmentId(time);
        if (segment < base.lowestLive) {
            return null;
        }
        try (EngineReader r = openReader()) {
            return r.get(SegmentedKeys.key(segment, storeKey));
        }
    }

    /** The segments that may hold segment times in {@code [fromTime, toTime]}, in iteration order. */
    long[] segments(long fromTime, long toTime, boolean reverse) {
        long lo = Math.max(segmentId(fromTime), Math.max(base.lowestSegment, base.lowestLive));
        long hi = Math.min(segmentId(toTime), base.highestSegment);
        if (!core.isOpen() || fromTime > toTime || lo > hi) {
            return new long[0];
        }
        long[] ids = new long[Math.toIntExact(hi - lo + 1)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = reverse ? hi - i : lo + i;
        }
        return ids;
    }

    /** An iterator over {@code segments}; on a closed store an empty one, as Kafka's segmented stores answer. */
    <K> KeyValueIterator<K, byte[]> iterate(long[] segments, LongFunction<KeyRange> rangeOf, Predicate<byte[]> accept,
                                            Function<byte[], K> keyOf, boolean reverse) {
        if (!core.isOpen()) {
            segments = new long[0];
        }
        return track(new SegmentedIterator<>(openReader(), segments, rangeOf, k -> k, accept, keyOf, reverse,
                openIterators::remove));
    }

    /**
     * Every record with a segment time in {@code [fromTime, toTime]} in time order (then key bytes), from the
     * time-first entries. REQUIRES: {@link #timeIndexed()}.
     */
    <K> KeyValueIterator<K, byte[]> iterateByTime(long fromTime, long toTime, Predicate<byte[]> accept,
                                                  Function<byte[], K> keyOf, boolean reverse) {
        long[] segments = segments(fromTime, toTime, reverse);
        return track(new SegmentedIterator<>(openReader(), segments, segment -> SegmentedKeys.timeRange(segment, fromTime, toTime),
                k -> SegmentedKeys.keyFirst(k, suffixBytes, restFirst), accept, keyOf, reverse, openIterators::remove));
    }

    <I extends SegmentedIterator<?>> I track(I it) {
        if (core.isOpen()) {
            openIterators.add(it);
        }
        return it;
    }

    Set<SegmentedIterator<?>> openIterators() {
        return openIterators;
    }

    /** Closes the store (a committed view holds nothing of its own: its iterators close with the store). */
    void close() {
        if (readCommitted) {
            return;
        }
        core.close(() -> {
            for (SegmentedIterator<?> it : List.copyOf(openIterators)) {
                it.close();
            }
        });
    }
}
