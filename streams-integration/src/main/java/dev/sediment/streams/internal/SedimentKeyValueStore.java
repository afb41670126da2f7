package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreFormatMismatchException;
import dev.sediment.store.WriteBatch;
import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The innermost Kafka Streams key-value store: bytes in, bytes out, on one Sediment engine store in
 * {@code stateDir()/<name>}. Kafka's builders wrap it with metering, caching and change-logging.
 *
 * <p>Offsets (KIP-1035): {@link #commit} records an engine commit point holding the changelog offsets (named
 * by {@code TopicPartition.toString()}) and the IQ position, so a reopen, clean or after a crash, comes back
 * at the last commit with exactly the state those offsets describe; Kafka Streams replays the changelog from
 * there. Values are stored as given. This class is the plain store (for {@code Stores.keyValueStoreBuilder}):
 * Kafka restores the changelog's values into it unchanged. {@link SedimentTimestampedKeyValueStore} is the
 * {@link TimestampedBytesStore} (for {@code Stores.timestampedKeyValueStoreBuilder} and the DSL), whose values
 * carry Kafka's 8-byte timestamp prefix, which restore then adds too. Kafka picks the restore conversion by
 * that marker, so the format is recorded in the store's manifest ({@link #valueFormat()}) and a store opened
 * as the other kind is refused instead of returning mixed values.
 *
 * <p>Transactional mode (KIP-892, {@code enable.transactional.statestores}, Kafka Streams 4.4): the engine's
 * commit points already make writes since the last commit vanish on reopen; {@link EngineStoreCore} adds a
 * first commit point and the exactly-once wipe of data without one, and {@link #readOnly} at READ_COMMITTED
 * reads the engine's snapshot at the last commit point. Uncommitted writes live in the LSM tree like any
 * others (memtables under the shared budget, then tables), never in a separate buffer.
 *
 * <p>Threading: Kafka Streams drives a store from its stream thread; interactive queries read concurrently,
 * which the engine's snapshot reads allow.
 */
public class SedimentKeyValueStore implements KeyValueStore<Bytes, byte[]>, TransactionCommitListener {
    private static final Logger log = LoggerFactory.getLogger(SedimentKeyValueStore.class);

    static final String PLAIN = "plain";
    static final String TIMESTAMPED = "timestamped";

    private final String format;
    private final EngineStoreCore core;
    private final Set<SedimentKeyValueIterator> openIterators = ConcurrentHashMap.newKeySet();
    /** A plain store behind Kafka's timestamp adapter (see {@link #init}). */
    private volatile boolean underTimestampedBuilder;

    /** A plain store. */
    public SedimentKeyValueStore(String name) {
        this(name, PLAIN);
    }

    SedimentKeyValueStore(String name, String format) {
        this(name, format, null);
    }

    /** @param upgrade moves files of an older format to {@code format} at open; null for none */
    SedimentKeyValueStore(String name, String format, FormatUpgrade upgrade) {
        this.format = format;
        this.core = new EngineStoreCore(name, this, EngineStoreCore.AS_IS, format, 0, null, upgrade);
    }

    @Override
    public String name() {
        return core.name();
    }

    /** Tests: the file system of the engine store, set before {@link #init}. */
    void fileSystem(dev.sediment.store.fs.FileSystem fs) {
        core.fileSystem(fs);
    }

    /** The value format recorded in the engine's manifest: {@value #PLAIN} or {@value #TIMESTAMPED}. */
    String valueFormat() {
        return format;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Opens the engine store (only the first time: a second init just registers again) and registers
     * {@code root}, the outermost store, with the context for restore.
     */
    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        try {
            core.init(context, root);
        } catch (ProcessorStateException e) {
            if (e.getCause() instanceof StoreFormatMismatchException m) {
                throw new ProcessorStateException(formatMismatch(m), m);
            }
            throw e;
        }
        underTimestampedBuilder = !(this instanceof TimestampedBytesStore) && root instanceof TimestampedKeyValueStore;
        if (underTimestampedBuilder) {
            // Materialized.as(plain supplier): Kafka puts an adapter in between that drops timestamps and
            // cannot answer IQv2 RangeQuery (it expects RocksDB's iterator).
            log.warn("store {} is a plain store under a timestamped builder (Materialized.as or "
                    + "Stores.timestampedKeyValueStoreBuilder): record timestamps are dropped and IQv2 RangeQuery "
                    + "fails; use SedimentStores.timestampedKeyValueStore(\"{}\") there", name(), name());
        }
    }

    private String formatMismatch(StoreFormatMismatchException e) {
        return "Sediment store " + name() + " in " + e.dir() + " holds " + e.recorded() + " values but is opened as a "
                + e.requested() + " store. Give " + supplierFor(e.recorded()) + " to the builder it was written with ("
                + builderFor(e.recorded()) + "), or, to change its format, stop the application, delete " + e.dir()
                + " and let Kafka Streams restore it from the changelog.";
    }

    private String supplierFor(String format) {
        String supplier = switch (format) {
            case TIMESTAMPED -> "SedimentStores.timestampedKeyValueStore";
            case SedimentHeadersKeyValueStore.FORMAT -> "SedimentStores.timestampedKeyValueStoreWithHeaders";
            default -> "SedimentStores.keyValueStore";
        };
        return supplier + "(\"" + name() + "\")";
    }

    private static String builderFor(String format) {
        return switch (format) {
            case TIMESTAMPED -> "Stores.timestampedKeyValueStoreBuilder or Materialized.as";
            case SedimentHeadersKeyValueStore.FORMAT -> "Stores.timestampedKeyValueStoreWithHeadersBuilder, Materialized.as "
                    + "or dsl.store.format=headers; the headers format is never converted back";
            default -> "Stores.keyValueStoreBuilder";
        };
    }

    /**
     * A Kafka transaction carrying this store's changelog records up to {@code lastOffset} committed
     * ({@link dev.sediment.streams.eos.SedimentClientSupplier}): record a commit point there.
     */
    @Override
    public void onTransactionCommitted(TopicPartition changelog, long lastOffset) {
        if (core.isOpen()) {
            commit(Map.of(changelog, lastOffset));
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    /** Closes open iterators, then the engine store (which flushes). Idempotent. */
    @Override
    public synchronized void close() {
        core.close(() -> {
            for (SedimentKeyValueIterator it : List.copyOf(openIterators)) {
                it.close();
            }
        });
    }

    /** The engine store, after applying any restored records still gathered (so no operation runs past them). */
    private Store open() {
        return core.store();
    }

    // ---------------------------------------------------------------- offsets (KIP-1035)

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    /**
     * Records a commit point: these changelog offsets (an empty map clears all, a null value clears one,
     * negative sentinels are kept as given) and the current position describe the state as of now. During
     * a restore, with records gathered, the commit point is recorded once they are applied, with the offset
     * of the last of them (see {@link RestoreBuffer#commitAfterGathered}).
     */
    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        core.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return core.committedOffset(partition);
    }

    /** Kafka 4.3 commits through {@link #commit}; a separate flush has nothing to make durable that commit needs. */
    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
    }

    /**
     * Bytes written since the last commit (key and value lengths), for KIP-892's
     * {@code statestore.uncommitted.max.bytes}. No {@code @Override}: the method is not in Kafka 4.3.1.
     */
    public long approximateNumUncommittedBytes() {
        return core.approximateNumUncommittedBytes();
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(Bytes key, byte[] value) {
        Objects.requireNonNull(key, "key cannot be null");
        Store s = open();
        if (value == null) {
            s.delete(key.get());
        } else {
            s.put(key.get(), value);
        }
        written(key.get().length + (value == null ? 0 : value.length));
    }

    private void written(long bytes) {
        core.written(bytes);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        Objects.requireNonNull(key, "key cannot be null");
        byte[] old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    /** One atomic batch: readers and crashes see all of it or none. */
    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        WriteBatch batch = new WriteBatch();
        for (KeyValue<Bytes, byte[]> e : entries) {
            Objects.requireNonNull(e.key, "key cannot be null");
            if (e.value == null) {
                batch.delete(e.key.get());
            } else {
                batch.put(e.key.get(), e.value);
            }
        }
        open().write(batch);
        written(batch.approximateBytes());
    }

    @Override
    public byte[] delete(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        Store s = open();
        byte[] old = s.get(key.get());
        s.delete(key.get());
        written(key.get().length);
        return old;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] get(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        return open().get(key.get());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return iterator(KafkaKeyRanges.closed(from, to, log), false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return iterator(KafkaKeyRanges.closed(from, to, log), true);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return iterator(KeyRange.all(), false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return iterator(KeyRange.all(), true);
    }

    /** Exactly the keys starting with the prefix, also when it ends in 0xFF bytes. */
    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return iterator(KafkaKeyRanges.prefix(prefix, prefixKeySerializer), false);
    }

    private KeyValueIterator<Bytes, byte[]> iterator(KeyRange range, boolean reverse) {
        SedimentKeyValueIterator it = new SedimentKeyValueIterator(core.name(), open().iterator(range, reverse), openIterators::remove);
        openIterators.add(it);
        return it;
    }

    /**
     * Estimated live keys, as RocksDB's {@code estimate-num-keys}: overwrites and deletes are discounted
     * (exactly within a memtable and once compaction merged a key's versions); see
     * {@code StoreStats.approximateEntries}.
     */
    @Override
    public long approximateNumEntries() {
        long n = open().stats().approximateEntries();
        return n < 0 ? Long.MAX_VALUE : n;
    }

    // ---------------------------------------------------------------- IQv2

    /**
     * KeyQuery and RangeQuery (both orders), with the position bound checked first; others are unknown. At
     * READ_COMMITTED (Kafka 4.4, transactional mode) the bound is checked against, and the result reports,
     * the last commit point's position; Kafka's handler then reads through {@link #readOnly}.
     */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        if (underTimestampedBuilder && query instanceof RangeQuery) {
            // Kafka's adapter would cast our iterator to RocksDB's and throw ClassCastException.
            return QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE, "RangeQuery on the plain store " + name()
                    + " behind a timestamped builder: use SedimentStores.timestampedKeyValueStore(\"" + name() + "\")");
        }
        Position position = core.position(QueryIsolation.of(config));
        return KafkaInternals.handleBasicQueries(query, positionBound, config, this, position, core.context());
    }

    /**
     * KIP-892 (Kafka 4.4): at READ_COMMITTED in transactional mode, a view of the last commit point; otherwise
     * this store, which sees every write. No {@code @Override}: the method is not in Kafka 4.3.
     */
    public ReadOnlyKeyValueStore<Bytes, byte[]> readOnly(IsolationLevel level) {
        return core.readsCommitted(level) ? new ReadCommittedKeyValueView(core, openIterators) : this;
    }

    @Override
    public Position getPosition() {
        return core.position();
    }
}
