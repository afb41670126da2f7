package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.WriteBatch;
import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.VersionedBytesStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A versioned key-value store (KIP-889) on one Sediment engine store: every version of a key is one engine
 * entry, sorted by {@code validFrom} descending ({@link VersionKeys}); a version's {@code validTo} is the
 * {@code validFrom} of the next newer version, so a put is one blind write (plus one seek for its return
 * value) and a changelog record restores as exactly one engine record, through the bulk path.
 *
 * <p>Semantics are those of Kafka's RocksDB versioned store: a put or delete older than observed stream time
 * minus history retention is not put ({@link VersionedKeyValueStore#PUT_RETURN_CODE_NOT_PUT}; a delete
 * returns null); a read as of a time older than that returns the latest version if it is not newer than the
 * asked time, else null; out-of-order puts land in the middle of a key's history; values are Kafka's
 * serialized {@code ValueAndTimestamp}. Unlike Kafka's store, the observed stream time is kept across a close
 * and reopen: it is stored as data ({@link VersionKeys#STREAM_TIME}) in the same atomic write as the version
 * that moves it, and in each restored batch, so a rollback to a commit point restores the stream time that
 * goes with its data. Compaction drops versions no read can see ({@link VersionExpiry}).
 *
 * <p>Lifecycle (engine, shared runtime, KIP-1035 commit points, position, restore runs, metrics) is the
 * key-value store's, composed from an {@link EngineStoreCore} with this store's changelog mapping and
 * compaction filter.
 *
 * <p>Threading: writes come from the stream thread; IQv2 queries read concurrently (snapshot iterators).
 */
public final class SedimentVersionedStore implements VersionedBytesStore, TransactionCommitListener {
    private static final Logger log = LoggerFactory.getLogger(SedimentVersionedStore.class);

    /** The value format recorded in the manifest: a key-value store's files are refused, not misread. */
    static final String FORMAT = "versioned";

    private final String name;
    private final long historyRetentionMs;
    private final long segmentIntervalMs;
    private final EngineStoreCore core;
    /** Whose stream time reads use: this store, or for a READ_COMMITTED view the live store it reads beside. */
    private final SedimentVersionedStore base;
    private final boolean readCommitted;
    /** Reads the engine store, for writes and READ_UNCOMMITTED reads. */
    private final EngineReader live;
    /** Kafka's {@code observedStreamTime}: the largest timestamp put; NO_TIMESTAMP (-1) before any. */
    private volatile long observedStreamTime = ConsumerRecord.NO_TIMESTAMP;
    /**
     * Stream time minus history retention at each commit point (and the one opened at), by revision: compaction
     * forgets only what the commit point a crash would reopen at can no longer read ({@link #compactionCutoff}).
     */
    private final ConcurrentSkipListMap<Long, Long> cutoffs = new ConcurrentSkipListMap<>();

    public SedimentVersionedStore(String name, long historyRetentionMs, long segmentIntervalMs) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.historyRetentionMs = historyRetentionMs;
        this.segmentIntervalMs = segmentIntervalMs;
        this.core = new EngineStoreCore(name, this, this::restoreVersion, FORMAT, 0,
                new VersionExpiry(this::compactionCutoff, segmentIntervalMs));
        this.base = this;
        this.readCommitted = false;
        this.live = EngineReader.live(core::store);
    }

    /** A READ_COMMITTED view of {@code live} (see {@link #readOnly}). */
    private SedimentVersionedStore(SedimentVersionedStore live) {
        this.name = live.name;
        this.historyRetentionMs = live.historyRetentionMs;
        this.segmentIntervalMs = live.segmentIntervalMs;
        this.core = live.core;
        this.base = live;
        this.readCommitted = true;
        this.live = live.live;
    }

    /**
     * KIP-892 (Kafka 4.4): at READ_COMMITTED in transactional mode, a view of the last commit point (latest and
     * as-of reads, and the IQv2 versioned queries through {@link #query}); otherwise this store, which sees
     * every write. The view refuses writes. No {@code @Override}: the method is not in Kafka 4.3.
     */
    public VersionedBytesStore readOnly(IsolationLevel level) {
        return core.readsCommitted(level) && !readCommitted ? new SedimentVersionedStore(this) : this;
    }

    /** Bytes written since the last commit, for KIP-892's {@code statestore.uncommitted.max.bytes}. */
    public long approximateNumUncommittedBytes() {
        return core.approximateNumUncommittedBytes();
    }

    /** A reader for one read: the store, or a snapshot at the last commit point to close after it. */
    private EngineReader openReader() {
        return readCommitted ? EngineReader.pinned(core.committedSnapshot()) : live;
    }

    private void checkWritable(String what) {
        if (readCommitted) {
            throw new UnsupportedOperationException("cannot " + what + " through a READ_COMMITTED view of store " + name);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The engine store, after any restored records still gathered (tests reach the engine through it). */
    Store engine() {
        return core.store();
    }

    public long historyRetentionMs() {
        return historyRetentionMs;
    }

    /** Kafka's observed stream time: the largest timestamp put or restored (kept across reopens); -1 before any. */
    long observedStreamTime() {
        return observedStreamTime;
    }

    /** Observed stream time minus history retention: older puts are refused, older reads see only the latest. */
    private long cutoff() {
        return base.observedStreamTime - historyRetentionMs;
    }

    // ---------------------------------------------------------------- lifecycle (the core's)

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        checkWritable("open");
        if (core.init(context, root)) {
            byte[] t = core.store().get(VersionKeys.STREAM_TIME);
            observedStreamTime = t == null ? ConsumerRecord.NO_TIMESTAMP : VersionKeys.decodeLong(t);
            cutoffs.clear();
            core.store().committedRevision().ifPresent(rev -> cutoffs.put(rev, cutoff()));
        }
    }

    @Override
    public synchronized void commit(Map<TopicPartition, Long> changelogOffsets) {
        checkWritable("commit");
        long cutoff = cutoff();
        boolean deferred = core.restoring(); // recorded once the gathered records are applied, at a revision unknown here
        core.commit(changelogOffsets);
        if (!deferred) {
            core.requireOpen().committedRevision().ifPresent(rev -> cutoffs.put(rev, cutoff));
        }
    }

    /**
     * The cutoff at the commit point a crash now would reopen at ({@code Store.recoveryRevision}), not at the last
     * commit: a version may expire only through a newer version that survives the crash, and every version written
     * after that point is at or above its cutoff. Long.MIN_VALUE (forget nothing) while no such point is known.
     */
    private long compactionCutoff() {
        if (!core.isOpen()) {
            return Long.MIN_VALUE;
        }
        OptionalLong durable;
        try {
            durable = core.requireOpen().recoveryRevision();
        } catch (RuntimeException closed) {
            return Long.MIN_VALUE;
        }
        Map.Entry<Long, Long> at = durable.isPresent() ? cutoffs.floorEntry(durable.getAsLong()) : null;
        if (at == null) {
            return Long.MIN_VALUE;
        }
        cutoffs.headMap(at.getKey(), false).clear(); // no crash can reopen below the durable point any more
        return at.getValue();
    }

    /** A Kafka transaction carrying this store's changelog records committed: record a commit point there. */
    @Override
    public void onTransactionCommitted(TopicPartition changelog, long lastOffset) {
        if (core.isOpen()) {
            commit(Map.of(changelog, lastOffset));
        }
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return core.committedOffset(partition);
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
    }

    @Override
    public synchronized void close() {
        if (readCommitted) {
            return; // a view holds nothing of its own
        }
        core.close(() -> { }); // multi-version results are read at once: no iterators stay open
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    @Override
    public Position getPosition() {
        return core.position();
    }

    /**
     * A changelog record (key, value or null, timestamp) as a version entry, unless a put would have refused
     * it; the stream time it moves goes into the same run. A restore of a tombstone at the latest record's
     * timestamp writes a tombstone where a put may have erased the version (see {@link #erasesLatest}): a
     * restored store may keep such a tombstone where Kafka's keeps none (reads agree; a later out-of-order put
     * older than it gets this tombstone as its validTo, Kafka's none). A restored tombstone is always of the
     * kind put as the newest ({@link VersionKeys#TOMBSTONE}), since the batch does not show what is newer: after
     * a restore, a tombstone at the latest timestamp may erase where Kafka's store keeps an end (reads agree).
     */
    private void restoreVersion(ConsumerRecord<byte[], byte[]> r, WriteBatch batch) {
        if (r.timestamp() < observedStreamTime - historyRetentionMs) {
            return; // refused when it was put, and so again
        }
        batch.put(VersionKeys.versionKey(VersionKeys.prefix(r.key()), r.timestamp()),
                VersionKeys.versionValue(r.value(), r.timestamp()));
        if (r.timestamp() > observedStreamTime) {
            observedStreamTime = r.timestamp();
            batch.put(VersionKeys.STREAM_TIME, VersionKeys.encodeLong(r.timestamp()));
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Puts a version (a tombstone if {@code value} is null); returns its {@code validTo}: the next newer
     * version's timestamp, {@link VersionedKeyValueStore#PUT_RETURN_CODE_VALID_TO_UNDEFINED} if none, or
     * {@link VersionedKeyValueStore#PUT_RETURN_CODE_NOT_PUT} if older than the history retention allows.
     */
    @Override
    public synchronized long put(Bytes key, byte[] value, long timestamp) {
        Objects.requireNonNull(key, "key cannot be null");
        checkWritable("write");
        Store s = core.store();
        if (timestamp < cutoff()) {
            log.warn("Skipping record for expired put.");
            core.written(0); // Kafka moves the position also for a refused put
            return VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT;
        }
        return doPut(s, VersionKeys.prefix(key.get()), value, timestamp);
    }

    /** A put within history retention; returns the new version's validTo or VALID_TO_UNDEFINED. */
    private long doPut(Store s, byte[] prefix, byte[] value, long timestamp) {
        if (value == null && erasesLatest(live, prefix, timestamp)) {
            s.delete(VersionKeys.versionKey(prefix, timestamp)); // the latest version: not above stream time
            core.written(prefix.length + 8);
            return VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED;
        }
        long validTo = nextValidFrom(live, prefix, timestamp);
        write(s, prefix, VersionKeys.versionValue(value, timestamp, validTo != Long.MIN_VALUE), timestamp);
        return validTo == Long.MIN_VALUE ? VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED : validTo;
    }

    private void write(Store s, byte[] prefix, byte[] versionValue, long timestamp) {
        byte[] versionKey = VersionKeys.versionKey(prefix, timestamp);
        if (timestamp > observedStreamTime) {
            s.write(new WriteBatch().put(versionKey, versionValue).put(VersionKeys.STREAM_TIME, VersionKeys.encodeLong(timestamp)));
            observedStreamTime = timestamp;
        } else {
            s.put(versionKey, versionValue);
        }
        core.written(versionKey.length + versionValue.length);
    }

    /**
     * Kafka's store keeps the latest record apart from older ones, and a tombstone with the latest record's
     * own timestamp just removes that record: older records keep the {@code validTo} they had, which ends
     * at this timestamp if the record before it is a value or a tombstone put below a newer version (a null
     * record ending at the next version). When the record before is absent or a tombstone put as the newest
     * (Kafka keeps that as an end at its own timestamp), Kafka keeps no trace of this tombstone (a later
     * out-of-order put becomes the latest record), and neither do we: the version is erased, not overwritten.
     */
    private static boolean erasesLatest(EngineReader s, byte[] prefix, long timestamp) {
        Version newest = latest(s, prefix);
        if (newest == null || newest.validFrom != timestamp || newest.isTombstone() || timestamp == Long.MIN_VALUE) {
            return false;
        }
        Version older = first(s, VersionKeys.atOrBefore(prefix, timestamp - 1));
        return older == null || older.isTombstone() && !VersionKeys.isBoundedTombstone(older.value);
    }

    /** Deletes as of {@code timestamp} (a tombstone version); returns the record valid then, or null. */
    @Override
    public synchronized byte[] delete(Bytes key, long timestamp) {
        Objects.requireNonNull(key, "key cannot be null");
        checkWritable("write");
        Store s = core.store();
        if (timestamp < cutoff()) {
            log.warn("Skipping record for expired delete.");
            return null;
        }
        byte[] existing = get(key, timestamp);
        doPut(s, VersionKeys.prefix(key.get()), null, timestamp);
        return existing;
    }

    /** The smallest {@code validFrom} above {@code timestamp} among the key's versions, or Long.MIN_VALUE. */
    private static long nextValidFrom(EngineReader s, byte[] prefix, long timestamp) {
        try (StoreIterator it = s.iterator(VersionKeys.after(prefix, timestamp), true)) {
            return it.valid() ? VersionKeys.validFrom(it.key()) : Long.MIN_VALUE;
        }
    }

    // ---------------------------------------------------------------- reads

    /** The latest record as {@code [timestamp][value]}, or null if none or deleted. */
    @Override
    public byte[] get(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        try (EngineReader r = openReader()) {
            Version v = latest(r, VersionKeys.prefix(key.get()));
            return v == null || v.isTombstone() ? null : v.value;
        }
    }

    /** The record valid as of {@code asOfTimestamp} as {@code [timestamp][value]}, or null. */
    @Override
    public byte[] get(Bytes key, long asOfTimestamp) {
        Objects.requireNonNull(key, "key cannot be null");
        try (EngineReader r = openReader()) {
            Version v = asOf(r, VersionKeys.prefix(key.get()), asOfTimestamp);
            return v == null ? null : v.value;
        }
    }

    /** One version: its engine value and its validFrom. */
    private record Version(long validFrom, byte[] value) {
        boolean isTombstone() {
            return VersionKeys.isTombstone(value);
        }
    }

    private static Version latest(EngineReader s, byte[] prefix) {
        return first(s, VersionKeys.all(prefix));
    }

    private static Version first(EngineReader s, KeyRange range) {
        try (StoreIterator it = s.iterator(range, false)) {
            return it.valid() ? new Version(VersionKeys.validFrom(it.key()), it.value()) : null;
        }
    }

    /** Kafka's as-of read: the non-tombstone version valid at {@code asOf}, within history retention. */
    private Version asOf(EngineReader s, byte[] prefix, long asOf) {
        if (asOf < cutoff()) {
            // Beyond history retention only the latest version answers (it never expires), if old enough.
            Version latest = latest(s, prefix);
            return latest != null && !latest.isTombstone() && latest.validFrom <= asOf ? latest : null;
        }
        Version v = first(s, VersionKeys.atOrBefore(prefix, asOf));
        return v == null || v.isTombstone() ? null : v;
    }

    /** As {@link #get(Bytes, long)}, with {@code validTo} (for IQv2). */
    VersionedRecord<byte[]> getRecord(Bytes key, long asOf) {
        try (EngineReader s = openReader()) {
            byte[] prefix = VersionKeys.prefix(key.get());
            Version v = asOf(s, prefix, asOf);
            if (v == null) {
                return null;
            }
            long validTo = nextValidFrom(s, prefix, v.validFrom);
            return record(v, validTo);
        }
    }

    VersionedRecord<byte[]> getRecord(Bytes key) {
        try (EngineReader s = openReader()) {
            Version v = latest(s, VersionKeys.prefix(key.get()));
            return v == null || v.isTombstone() ? null : record(v, Long.MIN_VALUE);
        }
    }

    private static VersionedRecord<byte[]> record(Version v, long validTo) {
        byte[] raw = VersionKeys.rawValue(v.value);
        return validTo == Long.MIN_VALUE ? new VersionedRecord<>(raw, v.validFrom)
                : new VersionedRecord<>(raw, v.validFrom, validTo);
    }

    /**
     * The records valid at some time in {@code [fromTime, toTime]}, newest first. Beyond history retention
     * ({@code toTime} older than it) only the latest record answers, as in {@link #get(Bytes, long)}. An
     * older record is listed while Kafka's store still holds the time segment its {@code validTo} falls in
     * ({@code validTo / segmentInterval >= (streamTime - historyRetention) / segmentInterval}), as Kafka lists
     * what its segments hold.
     */
    List<VersionedRecord<byte[]>> history(Bytes key, long fromTime, long toTime) {
        try (EngineReader s = openReader()) {
            return history(s, VersionKeys.prefix(key.get()), fromTime, toTime);
        }
    }

    private List<VersionedRecord<byte[]>> history(EngineReader s, byte[] prefix, long fromTime, long toTime) {
        List<VersionedRecord<byte[]>> out = new ArrayList<>();
        long cutoff = cutoff();
        if (toTime < cutoff) {
            Version latest = latest(s, prefix);
            if (latest != null && !latest.isTombstone() && latest.validFrom <= toTime) {
                out.add(record(latest, Long.MIN_VALUE));
            }
            return out;
        }
        long liveSegment = cutoff / segmentIntervalMs;
        long validTo = nextValidFrom(s, prefix, toTime);
        try (StoreIterator it = s.iterator(VersionKeys.atOrBefore(prefix, toTime), false)) {
            for (; it.valid(); it.next()) {
                if (validTo != Long.MIN_VALUE && (validTo <= fromTime || validTo / segmentIntervalMs < liveSegment)) {
                    break; // older versions end earlier still
                }
                Version v = new Version(VersionKeys.validFrom(it.key()), it.value());
                if (!v.isTombstone()) {
                    out.add(record(v, validTo));
                }
                validTo = v.validFrom;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- IQv2

    /** The versioned queries; at READ_COMMITTED (Kafka 4.4, transactional mode) from the last commit point, with its position. */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        IsolationLevel level = QueryIsolation.of(config);
        SedimentVersionedStore target = core.readsCommitted(level) && !readCommitted ? new SedimentVersionedStore(this) : this;
        return VersionedQueries.run(target, query, positionBound, config, core.position(level), core.context());
    }

    // ---------------------------------------------------------------- unversioned access, as Kafka's store

    @Override
    public void put(Bytes key, byte[] value) {
        throw new UnsupportedOperationException("Versioned key-value stores should use put(key, value, timestamp) instead");
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        throw new UnsupportedOperationException("Versioned key-value stores do not support putIfAbsent(key, value)");
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        throw new UnsupportedOperationException("Versioned key-value stores do not support putAll(entries)");
    }

    @Override
    public byte[] delete(Bytes key) {
        throw new UnsupportedOperationException("Versioned key-value stores should use delete(key, timestamp) instead");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("Versioned key-value stores do not support range(from, to)");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("Versioned key-value stores do not support reverseRange(from, to)");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        throw new UnsupportedOperationException("Versioned key-value stores do not support all()");
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        throw new UnsupportedOperationException("Versioned key-value stores do not support reverseAll()");
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        throw new UnsupportedOperationException("Versioned key-value stores do not support prefixScan(prefix, prefixKeySerializer)");
    }

    @Override
    public long approximateNumEntries() {
        throw new UnsupportedOperationException("Versioned key-value stores do not support approximateNumEntries()");
    }
}
