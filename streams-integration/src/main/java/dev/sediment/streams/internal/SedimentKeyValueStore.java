package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreRuntime;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.compaction.CompactionFilter;
import dev.sediment.store.sstable.Compression;
import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.sediment.streams.eos.ChangelogOwners;
import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.internals.StoreQueryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The innermost Kafka Streams key-value store: bytes in, bytes out, on one Sediment engine store in
 * {@code stateDir()/<name>}. Kafka's builders wrap it with metering, caching and change-logging.
 *
 * <p>Offsets (KIP-1035): {@link #commit} records an engine commit point holding the changelog offsets (named
 * by {@code TopicPartition.toString()}) and the IQ position, so a reopen, clean or after a crash, comes back
 * at the last commit with exactly the state those offsets describe; Kafka Streams replays the changelog from
 * there. Values are stored as given: in the DSL they carry Kafka's 8-byte timestamp prefix
 * ({@link TimestampedBytesStore}), which is also what restore delivers.
 *
 * <p>Threading: Kafka Streams drives a store from its stream thread; interactive queries read concurrently,
 * which the engine's snapshot reads allow.
 */
public final class SedimentKeyValueStore implements KeyValueStore<Bytes, byte[]>, TimestampedBytesStore,
        TransactionCommitListener {
    private static final Logger log = LoggerFactory.getLogger(SedimentKeyValueStore.class);
    /** Kafka's wording, kept exactly: AbstractKeyValueStoreTest and users' log alerts look for it. */
    static final String INVALID_RANGE_WARNING = "Returning empty iterator for fetch with invalid key range: from > to. "
            + "This may be due to range arguments set in the wrong order, or serdes that don't preserve ordering when "
            + "lexicographically comparing the serialized bytes. Note that the built-in numerical serdes do not follow "
            + "this for negative numbers";

    private final String name;
    private final RestoreTransform restoreTransform;
    private final CompactionFilter compactionFilter;
    private final Set<SedimentKeyValueIterator> openIterators = ConcurrentHashMap.newKeySet();
    private final AtomicLong uncommittedBytes = new AtomicLong();
    private volatile Store store;
    private RestoreBuffer restoreBuffer;
    private StateStoreContext context;
    private Position position = Position.emptyPosition();
    private StoreGauges gauges;
    private boolean holdsRuntime;
    /** This task's changelog partition, claimed on processing writes for per-transaction commit points; may be null. */
    private volatile TopicPartition changelog;

    public SedimentKeyValueStore(String name) {
        this(name, RestoreTransform.IDENTITY);
    }

    /**
     * A store whose changelog records are turned into engine records by {@code restoreTransform} before
     * they are restored (a store layered on this one, such as the versioned store, keeps its own layout).
     */
    SedimentKeyValueStore(String name, RestoreTransform restoreTransform) {
        this(name, restoreTransform, null);
    }

    /** As above, with the engine's {@link CompactionFilter} (null for none). */
    SedimentKeyValueStore(String name, RestoreTransform restoreTransform, CompactionFilter compactionFilter) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.restoreTransform = Objects.requireNonNull(restoreTransform, "restoreTransform");
        this.compactionFilter = compactionFilter;
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Opens the engine store (only the first time: a second init just registers again) and registers
     * {@code root}, the outermost store, with the context for restore.
     */
    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        this.context = context;
        if (store == null) {
            open(context);
        }
        boolean consistency = StreamsConfig.InternalConfig.getBoolean(context.appConfigs(),
                StreamsConfig.InternalConfig.IQ_CONSISTENCY_OFFSET_VECTOR_ENABLED, false);
        context.register(root, new ChangelogRestorer(this, consistency));
        changelog = changelogOf(context);
    }

    /** The changelog partition Kafka Streams writes this store's records to, or null if unknown (test contexts). */
    private TopicPartition changelogOf(StateStoreContext context) {
        try {
            if (context.taskId() == null) {
                return null;
            }
            String topic = ProcessorContextUtils.changelogFor(context, name, Boolean.FALSE);
            return topic == null ? null : new TopicPartition(topic, context.taskId().partition());
        } catch (RuntimeException e) {
            log.debug("store {}: no changelog partition known ({}); per-transaction commit points are off", name, e.toString());
            return null;
        }
    }

    /**
     * A Kafka transaction carrying this store's changelog records up to {@code lastOffset} committed
     * ({@link dev.sediment.streams.eos.SedimentClientSupplier}): record a commit point there.
     */
    @Override
    public void onTransactionCommitted(TopicPartition changelog, long lastOffset) {
        if (store != null) {
            commit(Map.of(changelog, lastOffset));
        }
    }

    private void open(StateStoreContext context) {
        SedimentConfig config = new SedimentConfig(context.appConfigs());
        File dir = new File(context.stateDir(), name);
        StoreRuntime runtime = SharedRuntime.acquire(config);
        try {
            StoreOptions options = StoreOptions.builder()
                    .runtime(runtime)
                    .compactionFilter(compactionFilter)
                    .memtableSizeBytes(config.getLong(SedimentConfig.MEMTABLE_BYTES))
                    .maxOpenFiles(config.getInt(SedimentConfig.MAX_OPEN_FILES))
                    .compression("none".equals(config.getString(SedimentConfig.COMPRESSION)) ? Compression.NONE : Compression.ZSTD)
                    .revisions(RevisionOptions.builder()
                            .tombstoneRetention(Duration.ofMillis(config.getLong(SedimentConfig.TOMBSTONE_RETENTION_MS)))
                            .maxReplayAge(Duration.ofMillis(config.getLong(SedimentConfig.MAX_REPLAY_AGE_MS)))
                            .build())
                    .build();
            store = Store.open(dir.toPath(), options);
        } catch (RuntimeException e) {
            SharedRuntime.release();
            throw new ProcessorStateException("cannot open Sediment store " + name + " in " + dir, e);
        }
        holdsRuntime = true;
        // A quarter of the memtable: below that Store.ingest goes through the memtable (see its contract).
        long minAsyncBytes = config.getLong(SedimentConfig.MEMTABLE_BYTES) / 4;
        restoreBuffer = new RestoreBuffer(store, runtime.writeBufferBudget(), config.restoreRunBytes(),
                minAsyncBytes, SharedRuntime.restoreWriters(),
                Duration.ofMillis(config.getLong(SedimentConfig.MAX_REPLAY_AGE_MS)));
        position = PositionCodec.decode(store.committedPosition());
        uncommittedBytes.set(0);
        String taskId = context.taskId() == null ? "unknown" : context.taskId().toString();
        gauges = StoreGauges.register(context.metrics(), taskId, SedimentStores.METRICS_SCOPE, name, store, runtime);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return store != null;
    }

    /** Closes open iterators, then the engine store (which flushes). Idempotent. */
    @Override
    public synchronized void close() {
        Store s = store;
        if (s == null) {
            return;
        }
        try {
            restoreBuffer.close();
        } catch (RuntimeException e) {
            log.error("store {}: restored records not yet applied are dropped at close: {}", name, e.toString());
        }
        store = null;
        TopicPartition tp = changelog;
        if (tp != null) {
            ChangelogOwners.release(tp, this);
        }
        for (SedimentKeyValueIterator it : List.copyOf(openIterators)) {
            it.close();
        }
        if (gauges != null) {
            gauges.close();
            gauges = null;
        }
        try {
            s.close();
        } finally {
            if (holdsRuntime) {
                holdsRuntime = false;
                SharedRuntime.release();
            }
        }
    }

    /** The engine store, after applying any restored records still gathered (so no operation runs past them). */
    private Store open() {
        Store s = requireOpen();
        RestoreBuffer buffer = restoreBuffer;
        if (!buffer.isEmpty()) {
            buffer.drain();
        }
        return s;
    }

    /**
     * The engine store, for a store layered on this one, after applying restored records still gathered.
     * @throws InvalidStateStoreException if closed
     */
    Store engine() {
        return open();
    }

    /** The context given to {@link #init}, or null before. */
    StateStoreContext context() {
        return context;
    }

    private Store requireOpen() {
        Store s = store;
        if (s == null) {
            throw new InvalidStateStoreException("Store " + name + " is currently closed.");
        }
        return s;
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
        Objects.requireNonNull(changelogOffsets, "changelogOffsets cannot be null");
        requireOpen();
        Map<String, Long> offsets = new HashMap<>();
        changelogOffsets.forEach((tp, offset) -> offsets.put(tp.toString(), offset));
        if (!restoreBuffer.commitAfterGathered(offsets)) {
            requireOpen().commit(offsets, encodedPosition());
        }
        uncommittedBytes.set(0);
    }

    private byte[] encodedPosition() {
        synchronized (position) {
            return PositionCodec.encode(position);
        }
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return open().committedOffsets().get(partition.toString());
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
        return uncommittedBytes.get();
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

    /** Counts a write made through {@link #engine()} by a store layered on this one: bytes, changelog claim, position. */
    void written(long bytes) {
        uncommittedBytes.addAndGet(bytes);
        TopicPartition tp = changelog;
        if (tp != null) {
            ChangelogOwners.claim(tp, this); // a processing write: this instance is the partition's active store
        }
        synchronized (position) {
            StoreQueryUtils.updatePosition(position, context);
        }
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

    /** Gathers a restore batch into runs applied with the engine's bulk path. */
    void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records, byte[] positionAfter) {
        requireOpen(); // not open(): that would drain the run being gathered
        uncommittedBytes.addAndGet(restoreBuffer.add(restoreTransform.apply(records), positionAfter));
    }

    Position position() {
        return position;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] get(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        return open().get(key.get());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return range(from, to, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return range(from, to, true);
    }

    private KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to, boolean reverse) {
        if (from != null && to != null && from.compareTo(to) > 0) {
            log.warn(INVALID_RANGE_WARNING);
            return iterator(KeyRange.of(new byte[] {1}, true, new byte[] {0}, true), reverse);
        }
        return iterator(KeyRange.closed(from == null ? null : from.get(), to == null ? null : to.get()), reverse);
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
        Objects.requireNonNull(prefix, "prefix cannot be null");
        Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
        return iterator(KeyRange.prefix(prefixKeySerializer.serialize(null, prefix)), false);
    }

    private KeyValueIterator<Bytes, byte[]> iterator(KeyRange range, boolean reverse) {
        SedimentKeyValueIterator it = new SedimentKeyValueIterator(name, open().iterator(range, reverse), openIterators::remove);
        openIterators.add(it);
        return it;
    }

    /** Entries in memtables and SSTables, superseded versions and tombstones included until compacted. */
    @Override
    public long approximateNumEntries() {
        long n = open().stats().approximateEntries();
        return n < 0 ? Long.MAX_VALUE : n;
    }

    // ---------------------------------------------------------------- IQv2

    /** KeyQuery and RangeQuery (both orders), with the position bound checked first; others are unknown. */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return StoreQueryUtils.handleBasicQueries(query, positionBound, config, this, position, context);
    }

    @Override
    public Position getPosition() {
        return position;
    }
}
