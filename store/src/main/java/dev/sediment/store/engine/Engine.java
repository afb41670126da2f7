package dev.sediment.store.engine;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.compaction.CompactionPicker;
import dev.sediment.store.fs.FileLock;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.revision.HistoryRetention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * The store: the {@link Store} contract, its argument checks, and close. The work is done by parts named
 * after their jobs — {@link Opening}, {@link WritePipeline}, {@link WriteStalls}, {@link BulkLoad},
 * {@link FlushScheduler}, {@link CompactionScheduler}, {@link VersionInstaller} (the one way a version
 * changes), {@link ObsoleteFiles}, {@link CommitPoints}, {@link Reads}, {@link EngineStats} — sharing one
 * {@link EngineState}. {@code store/ARCHITECTURE.md} maps the paths through them.
 *
 * <p>Locks, always taken in this order (a thread holding one never waits for an earlier one):
 * <ol>
 *   <li>{@code writeLock} ({@link EngineState#writeLock}): writers — revision assignment and the lease,
 *       memtable inserts, memtable switches, commit points, ingests.</li>
 *   <li>the compaction pause lock ({@link CompactionScheduler#lock()}): background compactions hold its
 *       read side (two may run at once when urgent), manual ones its write side. Never held together with
 *       writeLock.</li>
 *   <li>{@code installLock} ({@link EngineState#installLock}): "log an edit, install its version" in one
 *       order; held across the manifest sync.</li>
 *   <li>{@code stateLock} ({@link EngineState#stateLock}): the read-state swap, version references,
 *       flush/compaction scheduling, stall bookkeeping, the open-snapshot list. Readers take only this
 *       one, briefly, to pin a version.</li>
 * </ol>
 * Publication: a write becomes visible when {@link EngineState#visibleRevision} (volatile) moves past it,
 * after every entry of its batch is in the memtable — so batches are atomic for readers.
 */
public final class Engine implements Store {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EngineState state;
    /** Immutable after open. */
    private final FileLock lock;
    private final TableCache tableCache;
    /** Budget callbacks arrive on other threads without a lock; the share is thread-safe. */
    private final BudgetShare budget;
    private final TreeShape shape;
    private final CompactionScheduler compactions;
    private final FlushScheduler flushes;
    private final WritePipeline writes;
    private final BulkLoad bulkLoad;
    private final CommitPoints commits;
    private final Reads reads;
    private final EngineStats stats;
    private final ArgumentChecks args;

    private Engine(Path dir, StoreOptions options, Opening.Opened opened) {
        this.lock = opened.lock();
        this.state = new EngineState(dir, options, opened.versions());
        this.args = new ArgumentChecks(options);
        TableSetup parts = new TableSetup(options, dir);
        this.tableCache = parts.tableCache;
        Version v = opened.versions().current();
        ObsoleteFiles obsolete = new ObsoleteFiles(state, tableCache, v);
        state.visibleRevision = opened.recovered().visibleRevision();
        state.readState = new ReadState(new MemTable(options.memtableSizeBytes()), List.of(), v);
        // Marks a table for compaction once iterators used up its seeks; the scheduler picks it when idle.
        SeekSampling seeks = new SeekSampling(this::scheduleCompactions);
        this.shape = new TreeShape(state, new HistoryRetention(options.revisions()), v, seeks);
        CompactionPicker picker = new CompactionPicker();
        CompactionStats compactionStats = new CompactionStats();
        WriteStalls stalls = new WriteStalls(state, shape, picker);
        VersionInstaller installer = new VersionInstaller(state, obsolete, stalls);
        CompactionJob compactionJob = new CompactionJob(state.fs, dir, tableCache, parts.tableOptions, parts.l0Options,
                opened.versions()::newFileNumber, options.compactionFilter());
        compactionJob.yieldToFlushesWhile(() -> !stalls.compactionUrgent() && !state.closeRequested);
        this.compactions = new CompactionScheduler(state, shape, picker, compactionJob, compactionStats, installer,
                stalls);
        this.budget = BudgetShare.of(options.runtime() == null ? null : options.runtime().writeBufferBudget(),
                () -> state.readState.active().approximateBytes());
        this.flushes = new FlushScheduler(state, new FlushJob(state.fs, dir, parts.l0Options,
                options.cacheFlushedBlocks() ? tableCache : null), installer, compactions,
                compactionStats, budget);
        this.writes = new WritePipeline(state, installer, stalls, flushes, compactions, budget, shape.history());
        // An ingest of half a memtable or more is written as two tables at once: restoring, the writer is the
        // critical path and the restore thread mostly waits for it (A/B on the bench's restore: +10-24%).
        this.bulkLoad = new BulkLoad(state, new IngestJob(state.fs, dir, parts.l0Options, options.memtableSizeBytes() / 4),
                writes, installer, shape, stalls, compactions, budget);
        this.commits = new CommitPoints(state, installer, writes, compactions, opened.recovered());
        PointReader pointReader = new PointReader(tableCache);
        this.reads = new Reads(state, obsolete, tableCache, pointReader, shape, compactions, seeks);
        this.stats = new EngineStats(state, shape, picker, compactionStats, stalls, flushes, parts.blockCache,
                tableCache, pointReader);
        synchronized (state.stateLock) {
            stalls.updateLocked();
            compactions.scheduleLocked();
        }
        // Last: once joined, the budget may call back into this store from other threads.
        budget.join(writes::freezeForBudget);
        commits.startReplayCheck();
    }

    /** Opens a store; see {@link Store#open}. */
    public static Engine open(Path dir, StoreOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Opening.Opened opened = Opening.open(dir, options);
        Engine engine;
        try {
            engine = new Engine(dir, options, opened);
        } catch (RuntimeException e) {
            Opening.closeQuietly(opened.versions(), opened.lock());
            throw e;
        }
        log.info("opened store {}: revision {}, {}", dir, engine.writes.lastAssigned(),
                Opening.summary(opened.versions().current()));
        return engine;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public long put(byte[] key, byte[] value) {
        args.key(key);
        args.value(value);
        bulkLoad.end();
        return writes.put(key, value);
    }

    @Override
    public long delete(byte[] key) {
        args.key(key);
        bulkLoad.end();
        return writes.put(key, null);
    }

    @Override
    public long write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (!batch.isEmpty()) {
            bulkLoad.end();
        }
        args.batch(batch);
        budget.awaitRoom();
        return writes.write(batch);
    }

    @Override
    public long ingest(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        args.batch(batch);
        return bulkLoad.ingest(batch);
    }

    @Override
    public void flush() {
        writes.flush();
    }

    @Override
    public void compactRange(byte[] from, byte[] to) {
        state.checkWritable();
        if (from != null && to != null && java.util.Arrays.compareUnsigned(from, to) > 0) {
            return; // an empty range, as for iterators
        }
        writes.flush();
        compactions.compactRange(from, to);
    }

    @Override
    public DroppedTables dropRange(KeyRange range) {
        state.checkWritable();
        Objects.requireNonNull(range, "range must not be null");
        return compactions.dropRange(range);
    }

    @Override
    public long commit(Map<String, Long> offsets, byte[] position) {
        Objects.requireNonNull(offsets, "offsets must not be null (an empty map clears them all)");
        for (String name : offsets.keySet()) {
            Objects.requireNonNull(name, "offset names must not be null");
        }
        return commits.commit(offsets, position);
    }

    @Override
    public long commitFormat(String format) {
        return commits.commitFormat(Objects.requireNonNull(format, "format must not be null"));
    }

    @Override
    public Map<String, Long> committedOffsets() {
        state.checkOpen();
        return commits.offsets();
    }

    @Override
    public byte[] committedPosition() {
        state.checkOpen();
        return commits.position();
    }

    @Override
    public long trimHorizon() {
        state.checkOpen();
        return reads.trimHorizon();
    }

    @Override
    public long trimHistory(long revision) {
        return commits.trimHistory(revision, reads);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public byte[] get(byte[] key) {
        args.key(key);
        state.checkOpen();
        return reads.getAt(key, state.visibleRevision);
    }

    @Override
    public byte[] get(byte[] key, long revision) {
        args.key(key);
        state.checkOpen();
        return reads.getHistoric(key, revision);
    }

    @Override
    public StoreIterator iterator(KeyRange range, boolean reverse) {
        Objects.requireNonNull(range, "range must not be null");
        state.checkOpen();
        return reads.iteratorAt(range, reverse, state.visibleRevision);
    }

    @Override
    public StoreIterator iterator(KeyRange range, boolean reverse, long revision) {
        Objects.requireNonNull(range, "range must not be null");
        state.checkOpen();
        return reads.iteratorHistoric(range, reverse, revision);
    }

    @Override
    public Snapshot snapshot() {
        state.checkOpen();
        return reads.snapshot();
    }

    @Override
    public OptionalLong committedRevision() {
        state.checkOpen();
        return commits.lastRevision();
    }

    @Override
    public OptionalLong recoveryRevision() {
        state.checkOpen();
        return commits.recoveryRevision();
    }

    @Override
    public Snapshot committedSnapshot() {
        state.checkOpen();
        return reads.committedSnapshot();
    }

    @Override
    public long lastRevision() {
        return state.visibleRevision;
    }

    @Override
    public StoreStats stats() {
        return stats.snapshot();
    }

    /** Until no flush or compaction runs: none starts once closed is set. */
    private void awaitBackgroundWork() {
        synchronized (state.stateLock) {
            while (flushes.runningLocked() || compactions.runningLocked()) {
                try {
                    state.stateLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- test access

    /** The current version (for invariant checks in tests). */
    Version currentVersion() {
        return state.readState.version();
    }

    TableCache tableCache() {
        return tableCache;
    }

    /** The lock every read-state swap takes; a test holds it to stop an install at its door. */
    Object stateLock() {
        return state.stateLock;
    }

    /** Makes appended commit points durable now, as the periodic check would. */
    void syncManifest() throws IOException {
        state.versions.sync();
    }

    /** Tables that may hold rolled-back revisions (all others must hold none). */
    java.util.Set<Long> rolledBackTables() {
        return shape.rolledBackTables();
    }

    /** Held by manual compactions; tests hold it to pause background ones (it waits for running ones). */
    Lock compactionLock() {
        return compactions.lock();
    }

    /**
     * Tests: waits until no compaction pass runs (a helper may), at most {@code millis}; returns whether
     * none does.
     */
    boolean awaitNoCompactionPass(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (state.stateLock) {
            while (compactions.passRunningLocked()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                state.stateLock.wait(left); // the pass notifies when it ends
            }
            return true;
        }
    }

    /** Tests: called after every installed compaction, on the compacting thread. */
    void setCompactionListener(Consumer<Engine> listener) {
        compactions.listener(listener == null ? null : () -> listener.accept(this));
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        state.closeRequested = true;
        synchronized (state.stateLock) {
            state.stateLock.notifyAll(); // stalled writers re-check and give way
        }
        StoreException failure = null;
        synchronized (state.writeLock) {
            if (state.closed) {
                return;
            }
            try {
                if (state.fatalError == null && !state.readState.active().isEmpty()) {
                    writes.freezeActive(true);
                }
            } catch (StoreException e) {
                failure = e;
                log.error("closing {}: the active memtable could not be flushed; its writes are lost as after a crash: {}",
                        state.dir, e.getMessage());
            } finally {
                state.closed = true;
            }
        }
        for (AutoCloseable r : reads.openReaders()) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing a reader of {}: {}", state.dir, e.toString());
            }
        }
        if (state.fatalError == null && failure == null) {
            try {
                flushes.waitFor(state.visibleRevision, flushes.failures());
            } catch (StoreException e) {
                failure = e;
                log.error("closing {}: the last memtables could not be flushed; their writes are lost as after a crash: {}",
                        state.dir, e.getMessage());
            }
        }
        commits.stopReplayCheck();
        if (state.fatalError == null) {
            try {
                state.versions.sync(); // commit points after the last flush: the latest one is the recovery point
            } catch (IOException | RuntimeException e) {
                log.error("closing {}: the manifest could not be synced; the last commit points may be lost: {}",
                        state.dir, e.toString());
                if (failure == null) {
                    failure = new StoreIOException("closing " + state.dir + ": the manifest could not be synced; "
                            + "the last commit points may be lost", VersionInstaller.asIo(e));
                }
            }
        }
        awaitBackgroundWork();
        try {
            state.versions.close();
        } catch (IOException e) {
            log.warn("closing the manifest of {}: {}", state.dir, e.toString());
        }
        tableCache.close();
        budget.leave();
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("releasing the lock of {}: {}", state.dir, e.toString());
        }
        log.info("closed store {} at revision {}", state.dir, state.visibleRevision);
        if (failure == null && state.fatalError != null) {
            failure = new StoreException("closed " + state.dir + " after a manifest failure: its last writes and commit "
                    + "points may not be durable; reopen to recover", state.fatalError);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Asks for a compaction pass (a table was marked from the read path). */
    private void scheduleCompactions() {
        synchronized (state.stateLock) {
            compactions.scheduleLocked();
        }
    }
}
