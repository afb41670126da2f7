package dev.sediment.streams.internal;

import dev.sediment.store.Compression;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreFormatMismatchException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreRuntime;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.CompactionOptions;
import dev.sediment.store.CompactionFilter;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import dev.sediment.streams.eos.ChangelogOwners;
import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What every Kafka Streams store on one Sediment engine store shares, whatever its key layout: opening the
 * engine in {@code stateDir()/<name>} on the shared runtime, closing it, KIP-1035 commit points holding the
 * changelog offsets and the IQ position, restore through a {@link RestoreBuffer}, the engine gauges, the
 * changelog claim for per-transaction commit points and the uncommitted-bytes count. A store type composes one
 * and supplies a {@link ChangelogMapping}: how one changelog record becomes engine writes.
 *
 * <p>Threading: driven by the stream thread; readers (interactive queries) call {@link #store()} concurrently.
 */
final class EngineStoreCore {
    private static final Logger log = LoggerFactory.getLogger(EngineStoreCore.class);

    /** Turns one restored changelog record into engine writes (or none, for a record the store refuses). */
    @FunctionalInterface
    interface ChangelogMapping {
        void apply(ConsumerRecord<byte[], byte[]> record, WriteBatch batch);
    }

    /** The changelog key is the engine key; a null value deletes it. */
    static final ChangelogMapping AS_IS = (r, batch) -> {
        if (r.value() == null) {
            batch.delete(r.key());
        } else {
            batch.put(r.key(), r.value());
        }
    };

    private final String name;
    private final TransactionCommitListener owner;
    private final ChangelogMapping mapping;
    private final String format;
    private final int cutPrefixBytes;
    /** Where the engine keeps its files; null: the disk. Tests put an in-memory file system here. */
    private FileSystem fileSystem;
    private final CompactionFilter compactionFilter;
    private final FormatUpgrade upgrade;
    private final AtomicLong uncommittedBytes = new AtomicLong();
    private volatile Store store;
    private RestoreBuffer restoreBuffer;
    private StateStoreContext context;
    private Position position = Position.emptyPosition();
    /**
     * The position of the last commit point: what READ_COMMITTED queries report. Kept as the committed bytes
     * and decoded when first asked for (most commits are never read back at READ_COMMITTED).
     */
    private volatile CommittedPosition committedPosition = new CommittedPosition(new byte[0]);
    private volatile TransactionalMode mode = TransactionalMode.OFF;
    private volatile OffsetName lastOffsetName;
    private StoreGauges gauges;
    private boolean holdsRuntime;
    /** This task's changelog partition, claimed on processing writes for per-transaction commit points; may be null. */
    private volatile TopicPartition changelog;

    /** A store that records no value format and cuts no compaction outputs at key prefixes. */
    EngineStoreCore(String name, TransactionCommitListener owner, ChangelogMapping mapping) {
        this(name, owner, mapping, "", 0);
    }

    /**
     * @param owner          the store as Kafka and {@link ChangelogOwners} know it
     * @param format         the value format recorded in the engine's manifest ({@code StoreOptions.withFormat}), e.g.
     *                       "plain" or "timestamped": opening the files with another one fails with a
     *                       {@link ProcessorStateException} caused by a {@link StoreFormatMismatchException}; "" checks nothing
     * @param cutPrefixBytes see {@link CompactionOptions#cutPrefixBytes()}
     */
    EngineStoreCore(String name, TransactionCommitListener owner, ChangelogMapping mapping, String format,
                    int cutPrefixBytes) {
        this(name, owner, mapping, format, cutPrefixBytes, null);
    }

    /** As above, with the engine's {@link CompactionFilter} (null for none). */
    EngineStoreCore(String name, TransactionCommitListener owner, ChangelogMapping mapping, String format,
                    int cutPrefixBytes, CompactionFilter compactionFilter) {
        this(name, owner, mapping, format, cutPrefixBytes, compactionFilter, null);
    }

    /** As above, with the {@link FormatUpgrade} that moves files of an older format to {@code format} (null for none). */
    EngineStoreCore(String name, TransactionCommitListener owner, ChangelogMapping mapping, String format,
                    int cutPrefixBytes, CompactionFilter compactionFilter, FormatUpgrade upgrade) {
        this.upgrade = upgrade;
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.owner = owner;
        this.mapping = mapping;
        this.format = Objects.requireNonNull(format, "format");
        this.cutPrefixBytes = cutPrefixBytes;
        this.compactionFilter = compactionFilter;
    }

    String name() {
        return name;
    }

    /** Tests: the file system of the engine store, set before {@link #init}. */
    void fileSystem(FileSystem fs) {
        this.fileSystem = fs;
    }

    /**
     * Opens the engine store (only the first time: a second init just registers again) and registers
     * {@code root}, the outermost store, with the context for restore. Returns whether the engine was opened now.
     */
    boolean init(StateStoreContext context, StateStore root) {
        this.context = context;
        mode = TransactionalMode.of(context.appConfigs());
        boolean opened = false;
        if (store == null) {
            open(context);
            opened = true;
        }
        boolean consistency = StreamsConfig.InternalConfig.getBoolean(context.appConfigs(),
                StreamsConfig.InternalConfig.IQ_CONSISTENCY_OFFSET_VECTOR_ENABLED, false);
        context.register(root, KafkaInternals.recordBatchRestore(new ChangelogRestorer(this, consistency)::restoreBatch));
        changelog = changelogOf(context);
        return opened;
    }

    /** The changelog partition Kafka Streams writes this store's records to, or null if unknown (test contexts). */
    private TopicPartition changelogOf(StateStoreContext context) {
        try {
            if (context.taskId() == null) {
                return null;
            }
            String topic = KafkaInternals.changelogFor(context, name);
            return topic == null ? null : new TopicPartition(topic, context.taskId().partition());
        } catch (RuntimeException e) {
            log.debug("store {}: no changelog partition known ({}); per-transaction commit points are off", name, e.toString());
            return null;
        }
    }

    private void open(StateStoreContext context) {
        SedimentConfig config = new SedimentConfig(context.appConfigs());
        File dir = new File(context.stateDir(), name);
        StoreRuntime runtime = SharedRuntime.acquire(config);
        try {
            StoreOptions.Builder builder = StoreOptions.builder();
            if (fileSystem != null) {
                builder.fileSystem(fileSystem);
            }
            StoreOptions options = builder
                    .runtime(runtime)
                    .compactionFilter(compactionFilter)
                    .memtableSizeBytes(config.getLong(SedimentConfig.MEMTABLE_BYTES))
                    .maxOpenFiles(config.getInt(SedimentConfig.MAX_OPEN_FILES))
                    .compression(config.compression())
                    .maxValueSizeBytes(config.getInt(SedimentConfig.MAX_VALUE_BYTES))
                    .compaction(CompactionOptions.defaults().toBuilder().cutPrefixBytes(cutPrefixBytes).build())
                    .revisions(RevisionOptions.builder()
                            .tombstoneRetention(Duration.ofMillis(config.getLong(SedimentConfig.TOMBSTONE_RETENTION_MS)))
                            .maxReplayAge(Duration.ofMillis(config.getLong(SedimentConfig.MAX_REPLAY_AGE_MS)))
                            .build())
                    .build()
                    .withFormat(format);
            store = openEngine(dir.toPath(), options);
        } catch (StoreFormatMismatchException e) {
            SharedRuntime.release();
            throw new ProcessorStateException("Sediment store " + name + " in " + dir + " holds " + e.recorded()
                    + " values but is opened as a " + e.requested() + " store. Use the supplier it was written with"
                    + ", or, to change its format, stop the application, delete " + dir
                    + " and let Kafka Streams restore it from the changelog.", e);
        } catch (RuntimeException e) {
            SharedRuntime.release();
            throw new ProcessorStateException("cannot open Sediment store " + name + " in " + dir, e);
        }
        holdsRuntime = true;
        // A quarter of the memtable: below that Store.ingest goes through the memtable (see its contract).
        long minAsyncBytes = config.getLong(SedimentConfig.MEMTABLE_BYTES) / 4;
        restoreBuffer = new RestoreBuffer(store, runtime.writeBufferBudget(), config.restoreRunBytes(),
                minAsyncBytes, SharedRuntime.restoreWriters(),
                Duration.ofMillis(config.getLong(SedimentConfig.MAX_REPLAY_AGE_MS)), mapping);
        position = PositionCodec.decode(store.committedPosition());
        committedPosition = new CommittedPosition(store.committedPosition());
        uncommittedBytes.set(0);
        String taskId = context.taskId() == null ? "unknown" : context.taskId().toString();
        gauges = StoreGauges.register(context.metrics(), taskId, SedimentStores.METRICS_SCOPE, name, store, runtime);
    }

    /**
     * Opens the engine store. In transactional mode every store gets a commit point to roll back to: the
     * engine keeps every flushed write of a store never committed, but here a crash or a close must drop
     * whatever no {@code commit} covered. A store holding data without a commit point (written without the
     * mode, or by an older version) opens empty under exactly-once, as Kafka would have wiped it before
     * KIP-892: that data may include aborted transactions, and Kafka restores the changelog from its start.
     */
    private Store openEngine(Path dir, StoreOptions options) {
        Store s = openUpgrading(dir, options);
        TransactionalMode m = mode;
        if (!m.enabled() || s.committedRevision().isPresent()) {
            return s;
        }
        if (m.wipesUncommittedData() && s.lastRevision() > 0) {
            log.warn("store {}: data up to revision {} but no commit point under exactly-once with transactional "
                    + "state stores; opening empty so Kafka Streams restores it from the changelog", name, s.lastRevision());
            s.close();
            deleteRecursively(dir);
            s = Store.open(dir, options);
        }
        s.commit(Map.of(), null);
        return s;
    }

    /** Opens the engine store, first moving its files to this store's format if {@link #upgrade} reads theirs. */
    private Store openUpgrading(Path dir, StoreOptions options) {
        try {
            return Store.open(dir, options);
        } catch (StoreFormatMismatchException e) {
            if (upgrade == null || !upgrade.reads(e.recorded())) {
                throw e;
            }
            log.info("store {}: its files hold '{}' values; rewriting them to '{}' before opening", name, e.recorded(), format);
            Store s = Store.open(dir, options.withFormat(e.recorded()));
            try {
                upgrade.run(s, e.recorded(), format, name);
                return s;
            } catch (RuntimeException failed) {
                try {
                    s.close();
                } catch (RuntimeException closing) {
                    failed.addSuppressed(closing);
                }
                throw failed;
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
    }

    boolean isOpen() {
        return store != null;
    }

    /**
     * Applies or drops what restore gathered, releases the changelog claim, runs {@code closeIterators}, then
     * closes the engine store (which flushes) and releases the runtime. Idempotent.
     */
    void close(Runnable closeIterators) {
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
            ChangelogOwners.release(tp, owner);
        }
        closeIterators.run();
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
    Store store() {
        Store s = requireOpen();
        RestoreBuffer buffer = restoreBuffer;
        if (!buffer.isEmpty()) {
            buffer.drain();
        }
        return s;
    }

    /**
     * Writes {@code key}: after the restored records gathered if there are any (so the commit point recorded
     * once they are applied covers it), else straight into the engine store.
     */
    void putAfterRestored(byte[] key, byte[] value) {
        if (!restoreBuffer.addAfterGathered(key, value)) {
            requireOpen().put(key, value);
        }
    }

    /** Whether restored records are gathered or being written (a restore is under way). */
    boolean restoring() {
        return !restoreBuffer.isEmpty();
    }

    /** The engine store without draining a restore in progress. */
    Store requireOpen() {
        Store s = store;
        if (s == null) {
            throw new InvalidStateStoreException("Store " + name + " is currently closed.");
        }
        return s;
    }

    StateStoreContext context() {
        return context;
    }

    /** The store's gauges, for a store type to add its own; null when the metrics are not Kafka's. */
    StoreGauges gauges() {
        return gauges;
    }

    // ---------------------------------------------------------------- offsets (KIP-1035)

    /**
     * Records a commit point: these changelog offsets (an empty map clears all, a null value clears one,
     * negative sentinels are kept as given) and the current position describe the state as of now. During
     * a restore, with records gathered, the commit point is recorded once they are applied, with the offset
     * of the last of them (see {@link RestoreBuffer#commitAfterGathered}).
     */
    void commit(Map<TopicPartition, Long> changelogOffsets) {
        Objects.requireNonNull(changelogOffsets, "changelogOffsets cannot be null");
        requireOpen();
        Map<String, Long> offsets;
        if (changelogOffsets.size() == 1) { // the usual store: one changelog partition, committed after every record in tests
            Map.Entry<TopicPartition, Long> e = changelogOffsets.entrySet().iterator().next();
            offsets = e.getValue() == null ? Collections.singletonMap(offsetName(e.getKey()), null)
                    : Map.of(offsetName(e.getKey()), e.getValue());
        } else {
            offsets = new HashMap<>();
            changelogOffsets.forEach((tp, offset) -> offsets.put(offsetName(tp), offset));
        }
        if (!restoreBuffer.commitAfterGathered(offsets)) {
            byte[] pos = encodedPosition();
            requireOpen().commit(offsets, pos);
            committedPosition = new CommittedPosition(pos); // after the commit: never ahead of what it describes
        }
        uncommittedBytes.set(0);
    }

    /** The engine's name for a changelog partition's offset: {@code topic-partition}, kept for the last one asked. */
    private String offsetName(TopicPartition tp) {
        OffsetName last = lastOffsetName;
        if (last == null || !last.partition.equals(tp)) {
            last = new OffsetName(tp, tp.toString());
            lastOffsetName = last;
        }
        return last.name;
    }

    private record OffsetName(TopicPartition partition, String name) {
    }

    /** Whether reads at {@code level} must see the last commit point only: READ_COMMITTED in transactional mode. */
    boolean readsCommitted(IsolationLevel level) {
        return level == IsolationLevel.READ_COMMITTED && mode.enabled();
    }

    /** The position queries at {@code level} report: the last commit point's when they read committed data. */
    Position position(IsolationLevel level) {
        return readsCommitted(level) ? committedPosition.decoded() : position;
    }

    /** Committed position bytes, decoded once on first use. */
    private static final class CommittedPosition {
        private final byte[] bytes;
        private volatile Position decoded;

        CommittedPosition(byte[] bytes) {
            this.bytes = bytes;
        }

        Position decoded() {
            Position p = decoded;
            if (p == null) {
                p = PositionCodec.decode(bytes);
                decoded = p;
            }
            return p;
        }
    }

    /** The engine's snapshot at the last commit point; close it after reading. */
    Snapshot committedSnapshot() {
        return store().committedSnapshot();
    }

    TransactionalMode mode() {
        return mode;
    }

    private byte[] encodedPosition() {
        synchronized (position) {
            return PositionCodec.encode(position);
        }
    }

    Long committedOffset(TopicPartition partition) {
        return store().committedOffsets().get(partition.toString());
    }

    long approximateNumUncommittedBytes() {
        return uncommittedBytes.get();
    }

    // ---------------------------------------------------------------- writes and restore

    /** Counts a processing write of {@code bytes}, claims the changelog partition and advances the position. */
    void written(long bytes) {
        uncommittedBytes.addAndGet(bytes);
        TopicPartition tp = changelog;
        if (tp != null) {
            ChangelogOwners.claim(tp, owner); // a processing write: this instance is the partition's active store
        }
        synchronized (position) {
            KafkaInternals.updatePosition(position, context);
        }
    }

    /** Gathers a restore batch into runs applied with the engine's bulk path. */
    void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records, byte[] positionAfter) {
        if (store == null && context != null) {
            // Restore into a store closed after it registered: reopen, as Kafka's segmented stores recreate
            // their segments (AbstractSessionBytesStoreTest.shouldRestore relies on it).
            open(context);
        }
        requireOpen(); // not store(): that would drain the run being gathered
        uncommittedBytes.addAndGet(restoreBuffer.add(records, positionAfter));
    }

    Position position() {
        return position;
    }
}
