package dev.sediment.store.engine;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.RevisionTrimmedException;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.cache.BlockCache;
import dev.sediment.store.compaction.CompactionEnv;
import dev.sediment.store.compaction.CompactionOptions;
import dev.sediment.store.compaction.CompactionPicker;
import dev.sediment.store.compaction.PickedCompaction;
import dev.sediment.store.compaction.StallDecision;
import dev.sediment.store.fs.FileLock;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.iterator.MergingIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;
import dev.sediment.store.manifest.VersionSet;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.sstable.Compression;
import dev.sediment.store.sstable.TableOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The store: write path, read path, flushes and file lifecycle. See {@link Store} for the contract.
 *
 * <p>Locks (always taken in this order):
 * <ul>
 *   <li>{@code writeLock} serializes writers: revision assignment, memtable inserts, memtable switches.</li>
 *   <li>{@code stateLock} guards the read-state swap, version references, the set of live versions and
 *       the flush bookkeeping; writers stalled on a full set of frozen memtables wait on it.</li>
 * </ul>
 * Publication: a write becomes visible when {@link #visibleRevision} (volatile) moves past it, after
 * every entry of its batch is in the memtable — so batches are atomic for readers.
 */
public final class Engine implements Store {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final long MAX_RETRY_DELAY_MILLIS = 5_000;

    private final Path dir;
    private final StoreOptions options;
    private final FileSystem fs;
    private final FileLock lock;
    private final VersionSet versions;
    private final BlockCache blockCache;
    private final TableCache tableCache;
    private final PointReader pointReader;
    private final FlushJob flushJob;
    private final IngestJob ingestJob;
    private final CompactionJob compactionJob;
    private final CompactionPicker picker = new CompactionPicker();
    private final CompactionStats compactionStats = new CompactionStats();
    /** Held while a compaction runs: one at a time per store (background or manual). */
    private final ReentrantLock compactionLock = new ReentrantLock();
    /** Revisions of open snapshots → how many: the boundaries compaction must respect. */
    private final ConcurrentSkipListMap<Long, Integer> snapshotRevisions = new ConcurrentSkipListMap<>();

    private final Object writeLock = new Object();
    private final Object stateLock = new Object();
    /**
     * Serializes "log an edit, then install its version": flushes and compactions both change the
     * version, and installing in a different order than logging would put an older version back.
     * Held across the manifest sync, so readers never wait on it (they only take stateLock).
     */
    private final Object installLock = new Object();

    /**
     * Revisions are leased: the manifest durably records {@code reservedRevision} before any revision up
     * to it is handed out, so none is reused after a crash even if its write was lost (design §5
     * invariant 3). One synced edit per {@value #REVISION_LEASE} revisions.
     */
    private static final long REVISION_LEASE = 1 << 20;

    /** Guarded by writeLock. */
    private long lastAssignedRevision;
    /** Guarded by writeLock. */
    private long reservedRevision;
    private volatile long visibleRevision;
    private volatile ReadState readState;
    private volatile boolean closed;
    /** Set first by close(), so writers stalled while holding the write lock give way. */
    private volatile boolean closeRequested;
    /** Set when the manifest's state is unknown: no more writes until reopened. */
    private volatile StoreException fatalError;

    // Guarded by stateLock.
    private final Set<Version> liveVersions = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Long> knownTables = new HashSet<>();
    private boolean flushRunning;
    private long flushFailures;
    private IOException lastFlushError;
    private long retryDelayMillis;
    /** No flush attempt before this (System.nanoTime()), set by a failure. Guarded by stateLock. */
    private long flushRetryAtNanos = Long.MIN_VALUE;
    private long flushes;
    private long flushedBytes;
    private long writeStalls;
    private long writeStallNanos;
    /** Stall kind and cause (e.g. "STOP L0 files") → {count, nanos}. Guarded by stateLock. */
    private final java.util.TreeMap<String, long[]> stallsByReason = new java.util.TreeMap<>();
    private boolean compactionRunning;
    private boolean compactionRequested;
    private long compactionRetryDelayMillis;
    private long compactionFailures;
    private volatile StallDecision stallDecision = StallDecision.NONE;
    private volatile long pendingCompactionBytes;
    /**
     * Set by an ingest, cleared by the next write: while a store is bulk loaded (restored), L0 is compacted
     * only at {@link #bulkLoadCompaction}'s higher trigger, so runs are merged in fewer, larger compactions
     * instead of each being merged with the whole base level again and again. Written under stateLock.
     */
    private volatile boolean bulkLoading;
    private final CompactionOptions bulkLoadCompaction;
    /** Tests: called after every installed compaction, on the compacting thread. */
    private volatile Consumer<Engine> compactionListener;

    private final Set<AutoCloseable> openReaders = ConcurrentHashMap.newKeySet();

    /** The latest commit point's offsets and position (the recovery point's after open). Written under writeLock. */
    private volatile Map<String, Long> committedOffsets;
    private volatile byte[] committedPosition;
    /** (wall millis, revision) samples for age-based history retention, oldest first. Guarded by itself. */
    private final ArrayDeque<long[]> revisionTimes = new ArrayDeque<>();
    /** Guarded by writeLock. */
    private long lastTimeSampleMillis = Long.MIN_VALUE;
    /** Tables that existed when the store opened and may hold rolled-back revisions; compaction rewrites them. */
    private final Set<Long> rolledBackTables;
    private volatile java.util.concurrent.ScheduledFuture<?> replayCheck;
    /** This store's part of the runtime's memtable budget (a no-op without a runtime). */
    private final BudgetShare budget;

    private Engine(Path dir, StoreOptions options, FileLock lock, VersionSet versions, Recovery.Outcome recovered) {
        this.dir = dir;
        this.options = options;
        this.fs = options.fileSystem();
        this.lock = lock;
        this.versions = versions;
        this.blockCache = options.runtime() != null ? options.runtime().blockCache()
                : new BlockCache(options.blockCacheSizeBytes());
        this.tableCache = new TableCache(fs, dir, blockCache, options.maxOpenFiles(),
                options.runtime() == null ? null : options.runtime().openTableBudget());
        this.pointReader = new PointReader(tableCache);
        TableOptions tableOptions = new TableOptions(options.blockSizeBytes(), options.blockRestartInterval(),
                options.bloomBitsPerKey(), options.compression(), 1);
        // L0 uncompressed (see StoreOptions.compression): measured, fill +20-45% and restore +10-25% for
        // 40% more bytes written during a fill.
        TableOptions l0Options = new TableOptions(options.blockSizeBytes(), options.blockRestartInterval(),
                options.bloomBitsPerKey(), Compression.NONE, 1);
        this.flushJob = new FlushJob(fs, dir, l0Options);
        this.ingestJob = new IngestJob(fs, dir, l0Options, options.memtableSizeBytes());
        CompactionOptions compaction = options.compaction();
        this.bulkLoadCompaction = compaction.toBuilder().l0CompactionTrigger(
                Math.max(compaction.l0CompactionTrigger(), compaction.l0SlowdownTrigger() / 2)).build();
        this.compactionJob = new CompactionJob(fs, dir, tableCache, tableOptions, versions::newFileNumber);
        Version v = versions.current();
        v.ref();
        liveVersions.add(v);
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                knownTables.add(f.fileNumber());
            }
        }
        this.lastAssignedRevision = versions.lastRevision();
        this.reservedRevision = lastAssignedRevision;
        this.visibleRevision = recovered.visibleRevision();
        this.readState = new ReadState(new MemTable(options.memtableSizeBytes()), List.of(), v);
        this.rolledBackTables = tablesOverlappingRolledBack(v);
        this.committedOffsets = recovered.offsets();
        this.committedPosition = recovered.position();
        synchronized (stateLock) {
            updateStallLocked();
            scheduleCompactionLocked();
        }
        // Last: once joined, the budget may call back into this store from other threads.
        this.budget = BudgetShare.join(options.runtime() == null ? null : options.runtime().writeBufferBudget(),
                () -> readState.active().approximateBytes(), this::freezeForBudget);
        scheduleReplayCheck();
    }

    /** Opens a store; see {@link Store#open}. */
    public static Engine open(Path dir, StoreOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        FileSystem fs = options.fileSystem();
        FileLock lock = null;
        VersionSet versions = null;
        try {
            if (!fs.exists(dir)) {
                if (!options.createIfMissing()) {
                    throw new StoreException("no store at " + dir + " (createIfMissing is false)");
                }
                fs.createDirectories(dir);
            }
            try {
                lock = fs.lock(dir.resolve(FileNames.LOCK));
            } catch (IOException e) {
                throw new StoreIOException("cannot lock " + dir + "; is another process or store instance using it?", e);
            }
            versions = VersionSet.open(fs, dir, options.maxManifestBytes(), options.createIfMissing());
            verifyTablesExist(fs, dir, versions.current());
            Recovery.Outcome recovered = Recovery.recover(versions, dir, options.clock().millis(),
                    options.revisions().tombstoneRetention());
            sweepOrphans(fs, dir, versions);
            Engine engine = new Engine(dir, options, lock, versions, recovered);
            log.info("opened store {}: revision {}, {}", dir, engine.lastAssignedRevision, summary(versions.current()));
            return engine;
        } catch (IOException e) {
            closeQuietly(versions, lock);
            throw new StoreIOException("cannot open store " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(versions, lock);
            throw e;
        }
    }

    private static void closeQuietly(VersionSet versions, FileLock lock) {
        try {
            if (versions != null) {
                versions.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    private static void verifyTablesExist(FileSystem fs, Path dir, Version v) throws IOException {
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                Path p = FileNames.table(dir, f.fileNumber());
                if (!fs.exists(p)) {
                    throw new CorruptionException(p, -1, "table named by the manifest (level " + level + ") is missing");
                }
                long size = fs.size(p);
                if (size != f.sizeBytes()) {
                    throw new CorruptionException(p, size, "table is " + size + " bytes, the manifest says " + f.sizeBytes());
                }
            }
        }
    }

    /** Deletes what no durable state names: unreferenced tables, temp files, old manifests. */
    private static void sweepOrphans(FileSystem fs, Path dir, VersionSet versions) throws IOException {
        Set<Long> live = new HashSet<>();
        Version v = versions.current();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                live.add(f.fileNumber());
            }
        }
        for (String name : fs.list(dir)) {
            FileNames.Kind kind = FileNames.kind(name);
            boolean orphan = switch (kind) {
                case TEMP -> true;
                case TABLE -> !live.contains(FileNames.number(name));
                case MANIFEST -> FileNames.number(name) != versions.manifestFileNumber();
                default -> false;
            };
            if (orphan) {
                log.info("deleting orphan file {}/{}", dir, name);
                fs.delete(dir.resolve(name));
            }
        }
    }

    private static String summary(Version v) {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            int n = v.files(level).size();
            if (n > 0) {
                sb.append("L").append(level).append('=').append(n).append(' ');
            }
        }
        return sb.length() == 0 ? "no tables" : sb.toString().trim();
    }

    // ---------------------------------------------------------------- writes

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("store " + dir);
        }
    }

    private void checkWritable() {
        checkOpen();
        StoreException fatal = fatalError;
        if (fatal != null) {
            throw new StoreException("store " + dir + " is read-only after a manifest failure; reopen it to recover: "
                    + fatal.getMessage(), fatal);
        }
    }

    private void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        if (key.length > options.maxKeySizeBytes()) {
            throw new IllegalArgumentException("key of " + key.length + " bytes is over maxKeySizeBytes ("
                    + options.maxKeySizeBytes() + ")");
        }
    }

    private void checkValue(byte[] value) {
        Objects.requireNonNull(value, "value must not be null (use delete)");
        if (value.length > options.maxValueSizeBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " bytes is over maxValueSizeBytes ("
                    + options.maxValueSizeBytes() + ")");
        }
    }

    @Override
    public long put(byte[] key, byte[] value) {
        checkKey(key);
        checkValue(value);
        endBulkLoad();
        budget.awaitRoom();
        synchronized (writeLock) {
            checkWritable();
            makeRoomForWrite(key.length + value.length);
            reserveRevisions(1);
            long rev = ++lastAssignedRevision;
            MemTable active = readState.active();
            long before = active.approximateBytes();
            active.add(key, InternalKeys.trailer(rev, KeyKind.PUT), value);
            budget.charge(active.approximateBytes() - before);
            visibleRevision = rev;
            sampleTime(rev);
            return rev;
        }
    }

    @Override
    public long delete(byte[] key) {
        checkKey(key);
        endBulkLoad();
        budget.awaitRoom();
        synchronized (writeLock) {
            checkWritable();
            makeRoomForWrite(key.length);
            reserveRevisions(1);
            long rev = ++lastAssignedRevision;
            MemTable active = readState.active();
            long before = active.approximateBytes();
            active.add(key, InternalKeys.trailer(rev, KeyKind.DELETE), new byte[0]);
            budget.charge(active.approximateBytes() - before);
            visibleRevision = rev;
            sampleTime(rev);
            return rev;
        }
    }

    @Override
    public long write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (!batch.isEmpty()) {
            endBulkLoad();
        }
        return writeWaitingForRoom(batch);
    }

    private long writeWaitingForRoom(WriteBatch batch) {
        checkBatch(batch);
        budget.awaitRoom();
        return writeToMemtable(batch);
    }

    private void checkBatch(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            checkKey(op.key());
            if (!op.isDelete()) {
                checkValue(op.value());
            }
        }
    }

    /** The memtable path of {@link #write}, without waiting for budget room. */
    private long writeToMemtable(WriteBatch batch) {
        synchronized (writeLock) {
            checkWritable();
            if (batch.isEmpty()) {
                return visibleRevision;
            }
            // The whole batch goes into one memtable, so a flush never splits it: atomic across crashes too.
            makeRoomForWrite(batch.approximateBytes());
            reserveRevisions(batch.ops().size());
            MemTable active = readState.active();
            long before = active.approximateBytes();
            long rev = lastAssignedRevision;
            for (WriteBatch.Op op : batch.ops()) {
                rev++;
                if (op.isDelete()) {
                    active.add(op.key(), InternalKeys.trailer(rev, KeyKind.DELETE), new byte[0]);
                } else {
                    active.add(op.key(), InternalKeys.trailer(rev, KeyKind.PUT), op.value());
                }
            }
            budget.charge(active.approximateBytes() - before);
            lastAssignedRevision = rev;
            visibleRevision = rev;
            sampleTime(rev);
            return rev;
        }
    }

    /** Makes sure the next {@code n} revisions are durably reserved. REQUIRES: writeLock held. */
    private void reserveRevisions(int n) {
        if (lastAssignedRevision + n <= reservedRevision) {
            return;
        }
        long reserve = lastAssignedRevision + n + REVISION_LEASE;
        List<Long> obsolete;
        synchronized (installLock) {
            Version installed;
            try {
                installed = versions.logAndApply(VersionEdit.builder().lastRevision(reserve).build());
            } catch (IOException | RuntimeException e) {
                onManifestFailure(e);
                throw new StoreIOException("cannot reserve revisions in the manifest of " + dir, asIo(e));
            }
            synchronized (stateLock) {
                ReadState s = readState;
                obsolete = installLocked(new ReadState(s.active(), s.immutables(), installed));
            }
        }
        deleteTables(obsolete);
        reservedRevision = reserve;
    }

    /**
     * Below this size a batch goes through the memtable: a table per small batch would only feed L0 and
     * compaction, while the memtable gathers many batches into one table.
     */
    private long minIngestBytes() {
        return options.memtableSizeBytes() / 4;
    }

    @Override
    public long ingest(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.isEmpty() || batch.approximateBytes() < minIngestBytes()) {
            return writeWaitingForRoom(batch); // a small run of a bulk load does not end it
        }
        checkBatch(batch);
        // With no memtable data, the new table holds the newest revisions and every older one is flushed:
        // the flushed revision can move to the table's last revision, as a flush would.
        flush();
        List<Long> obsolete;
        long last;
        synchronized (writeLock) {
            checkWritable();
            ReadState s = readState;
            if (!s.active().isEmpty() || !s.immutables().isEmpty()) {
                obsolete = null; // a writer got in since the flush: the memtable path keeps revisions in order
                last = -1;
            } else {
                throttle();
                reserveRevisions(batch.size());
                long first = lastAssignedRevision + 1;
                last = lastAssignedRevision + batch.size();
                List<FileMetadata> tables;
                try {
                    tables = ingestJob.run(batch.ops(), batch.approximateBytes(), first, versions::newFileNumber);
                } catch (IOException e) {
                    throw new StoreIOException("cannot write an ingested table in " + dir, e);
                }
                synchronized (installLock) {
                    Version installed;
                    try {
                        VersionEdit.Builder edit = VersionEdit.builder().flushedRevision(last).lastRevision(last);
                        tables.forEach(t -> edit.addFile(0, t));
                        installed = versions.logAndApply(edit.build());
                    } catch (IOException | RuntimeException e) {
                        onManifestFailure(e);
                        throw new StoreIOException("cannot record an ingested table in the manifest of " + dir, asIo(e));
                    }
                    synchronized (stateLock) {
                        bulkLoading = true;
                        tables.forEach(t -> knownTables.add(t.fileNumber()));
                        ReadState now = readState;
                        obsolete = installLocked(new ReadState(now.active(), now.immutables(), installed));
                        scheduleCompactionLocked();
                        stateLock.notifyAll();
                    }
                }
                // Visible only now: readers filter by revision, so the installed table was invisible until here.
                lastAssignedRevision = last;
                visibleRevision = last;
                sampleTime(last);
            }
        }
        if (obsolete == null) {
            // Without waiting for budget room, as a large ingest never waits for it: its caller holds the
            // batch in memory already and may be what a wait would wait for.
            return writeToMemtable(batch);
        }
        deleteTables(obsolete);
        return last;
    }

    /** The runtime's budget asks this store to flush its active memtable. Takes the write lock. */
    private void freezeForBudget() {
        synchronized (writeLock) {
            if (closed || closeRequested || fatalError != null || readState.active().isEmpty()) {
                return;
            }
            try {
                freezeActive();
            } catch (StoreException e) {
                log.debug("{}: no freeze for the memtable budget: {}", dir, e.toString());
            }
        }
    }

    /**
     * Freezes the active memtable if {@code incomingBytes} would overflow it, stalling while too many
     * frozen memtables wait for flush. REQUIRES: writeLock held.
     */
    private void makeRoomForWrite(long incomingBytes) {
        throttle();
        MemTable active = readState.active();
        if (active.isEmpty() || active.approximateBytes() + incomingBytes <= options.memtableSizeBytes()) {
            return;
        }
        freezeActive();
    }

    /**
     * Applies the write-stall decision: at SLOWDOWN a write waits 1 ms (LevelDB's delay, spreading the
     * cost over many writes instead of one long stop), at STOP it waits until compaction catches up.
     * Never fails a write for being slow. REQUIRES: writeLock held.
     */
    private void throttle() {
        StallDecision d = stallDecision;
        if (d.kind() == StallDecision.Kind.NONE) {
            return;
        }
        synchronized (stateLock) {
            writeStalls++;
            long start = System.nanoTime();
            String cause = d.kind() + " " + cause(d.reason());
            try {
                if (stallDecision.kind() == StallDecision.Kind.SLOWDOWN) {
                    stateLock.wait(1);
                    return;
                }
                while (stallDecision.kind() == StallDecision.Kind.STOP) {
                    scheduleCompactionLocked();
                    if (fatalError != null) {
                        throw fatalError;
                    }
                    if (closed || closeRequested) {
                        throw new StoreClosedException("store " + dir);
                    }
                    stateLock.wait(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while writes to " + dir + " were stalled: " + d.reason());
            } finally {
                recordStallLocked(cause, System.nanoTime() - start);
            }
        }
    }

    /** The cause of a stall reason without its numbers: "L0 files 4 >= stop trigger 4" → "L0 files". */
    private static String cause(String reason) {
        return reason.split(" [0-9]", 2)[0];
    }

    /** REQUIRES: stateLock held. */
    private void recordStallLocked(String cause, long nanos) {
        writeStallNanos += nanos;
        long[] c = stallsByReason.computeIfAbsent(cause, k -> new long[2]);
        c[0]++;
        c[1] += nanos;
    }

    /** Moves the active memtable to the frozen list, waiting for room. REQUIRES: writeLock held. */
    private void freezeActive() {
        freezeActive(false);
    }

    /** {@code closing}: called by close() itself, which must wait for room rather than give way. */
    private void freezeActive(boolean closing) {
        synchronized (stateLock) {
            if (readState.immutables().size() >= options.maxImmutableMemtables()) {
                writeStalls++;
                long start = System.nanoTime();
                long failuresBefore = flushFailures;
                try {
                    while (readState.immutables().size() >= options.maxImmutableMemtables()) {
                        scheduleFlushLocked();
                        if (fatalError != null) {
                            throw fatalError;
                        }
                        if (flushFailures != failuresBefore) {
                            // A failing disk fails the waiting write instead of hanging it (and close()
                            // finishes, giving up like a crash would). Nothing is lost: the frozen
                            // memtables stay readable and their flush is retried with backoff.
                            throw new StoreIOException("flush of " + dir + " failed while a write waited for "
                                    + "memtable room; retry the write later", lastFlushError);
                        }
                        if (closed || (closeRequested && !closing)) {
                            throw new StoreClosedException("store " + dir);
                        }
                        try {
                            stateLock.wait(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new StoreException("interrupted while waiting for a memtable flush in " + dir);
                        }
                    }
                } finally {
                    recordStallLocked("STOP frozen memtables waiting for flush", System.nanoTime() - start);
                }
            }
            ReadState s = readState;
            List<MemTable> frozen = new ArrayList<>(s.immutables().size() + 1);
            frozen.add(s.active());
            frozen.addAll(s.immutables());
            readState = new ReadState(new MemTable(options.memtableSizeBytes()), frozen, s.version());
            scheduleFlushLocked();
        }
    }

    // ---------------------------------------------------------------- flushes

    /** REQUIRES: stateLock held. */
    private void scheduleFlushLocked() {
        // During a retry backoff only the retry timer starts the next attempt: waiters woken by the
        // failure would otherwise retry at once, in a loop, on a disk that keeps failing.
        if (!flushRunning && !readState.immutables().isEmpty() && fatalError == null
                && System.nanoTime() >= flushRetryAtNanos) {
            flushRunning = true;
            BackgroundPool.submit(BackgroundPool.Priority.FLUSH, this::flushLoop);
        }
    }

    /** Flushes frozen memtables oldest first until none is left or one fails. */
    private void flushLoop() {
        while (true) {
            MemTable mem;
            synchronized (stateLock) {
                List<MemTable> frozen = readState.immutables();
                if (frozen.isEmpty() || fatalError != null) {
                    flushRunning = false;
                    stateLock.notifyAll();
                    return;
                }
                mem = frozen.get(frozen.size() - 1);
            }
            FileMetadata table;
            long flushStart = System.nanoTime();
            try {
                table = flushJob.run(mem, versions.newFileNumber());
            } catch (IOException | RuntimeException e) {
                onFlushFailure(e);
                return;
            }
            List<Long> obsolete;
            synchronized (installLock) {
            Version installed;
            try {
                VersionEdit edit = VersionEdit.builder()
                        .addFile(0, table)
                        .flushedRevision(mem.maxRevision())
                        .lastRevision(mem.maxRevision())
                        .build();
                installed = versions.logAndApply(edit);
            } catch (IOException | RuntimeException e) {
                onManifestFailure(e);
                return;
            }
            synchronized (stateLock) {
                knownTables.add(table.fileNumber());
                ReadState s = readState;
                List<MemTable> frozen = new ArrayList<>(s.immutables());
                frozen.remove(frozen.size() - 1);
                obsolete = installLocked(new ReadState(s.active(), frozen, installed));
                flushes++;
                flushedBytes += table.sizeBytes();
                retryDelayMillis = 0;
                lastFlushError = null;
                scheduleCompactionLocked();
                stateLock.notifyAll();
            }
            }
            budget.release(mem.approximateBytes());
            compactionStats.recordFlush(table.sizeBytes(), System.nanoTime() - flushStart);
            deleteTables(obsolete);
            log.debug("flushed memtable of {} entries into table {} ({} bytes)", mem.entries(), table.fileNumber(), table.sizeBytes());
        }
    }

    private void onFlushFailure(Exception e) {
        IOException io = e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
        synchronized (stateLock) {
            flushFailures++;
            lastFlushError = io;
            flushRunning = false;
            retryDelayMillis = retryDelayMillis == 0 ? 100 : Math.min(MAX_RETRY_DELAY_MILLIS, retryDelayMillis * 2);
            flushRetryAtNanos = System.nanoTime() + retryDelayMillis * 1_000_000;
            stateLock.notifyAll();
            log.warn("flush of {} failed (will retry in {} ms; nothing is lost, the memtable stays in memory): {}",
                    dir, retryDelayMillis, e.toString());
            if (!closed) {
                BackgroundPool.schedule(BackgroundPool.Priority.FLUSH, () -> {
                    synchronized (stateLock) {
                        if (!closed) {
                            flushRetryAtNanos = Long.MIN_VALUE;
                            scheduleFlushLocked();
                        }
                    }
                }, retryDelayMillis);
            }
        }
    }

    private void onManifestFailure(Exception e) {
        IOException io = e instanceof IOException ? (IOException) e : new IOException(e.toString(), e);
        StoreException fatal = new StoreIOException("manifest write failed in " + dir
                + "; the store is read-only until reopened", io);
        synchronized (stateLock) {
            fatalError = fatal;
            flushRunning = false;
            stateLock.notifyAll();
        }
        log.error("{}", fatal.getMessage());
    }

    /**
     * Installs a new read state; if its version is new, the old one loses the reference the read state
     * held. Returns tables that became obsolete. REQUIRES: stateLock held.
     */
    private List<Long> installLocked(ReadState next) {
        ReadState prev = readState;
        if (next.version() != prev.version()) {
            next.version().ref();
            liveVersions.add(next.version());
        }
        readState = next;
        if (next.immutables() != prev.immutables() || !next.version().sameFilesAs(prev.version())) {
            updateStallLocked(); // a commit changes neither, and must cost microseconds
        }
        if (next.version() != prev.version()) {
            return unrefLocked(prev.version());
        }
        return List.of();
    }

    private CompactionEnv envLocked() {
        Version v = readState.version();
        List<List<FileMetadata>> levels = new ArrayList<>(Version.NUM_LEVELS);
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            levels.add(v.files(level));
        }
        return new CompactionEnv(levels, Set.of(), List.of(), markedLocked(v),
                bulkLoading ? bulkLoadCompaction : options.compaction());
    }

    /**
     * The first write after ingests ends the bulk load: L0 is compacted at the usual trigger again. The
     * raised trigger stays below the slowdown trigger, so the writer does not start into a stall.
     */
    private void endBulkLoad() {
        if (bulkLoading) {
            synchronized (stateLock) {
                if (bulkLoading) {
                    bulkLoading = false;
                    updateStallLocked();
                    scheduleCompactionLocked();
                }
            }
        }
    }

    /**
     * Tables dense in tombstones, which the picker compacts when no level is over its target. L0 is left
     * to the L0 trigger. A last-level table is marked only while no snapshot is open: rewriting it in
     * place drops its tombstones only when no snapshot can see them, and marking it otherwise would
     * rewrite it again and again. REQUIRES: stateLock held.
     */
    private Set<Long> markedLocked(Version v) {
        double trigger = options.compaction().tombstoneDensityTrigger();
        Set<Long> marked = new HashSet<>();
        int last = Version.NUM_LEVELS - 1;
        long lowestBoundary = Long.MAX_VALUE;
        for (long b : boundaries(v, historyHorizon(v))) {
            lowestBoundary = Math.min(lowestBoundary, b);
        }
        for (int level = 1; level <= last; level++) {
            for (FileMetadata f : v.files(level)) {
                if (rolledBackTables.contains(f.fileNumber())) {
                    marked.add(f.fileNumber()); // rewriting it drops the rolled-back entries for good
                    continue;
                }
                // In place, a last-level table loses only tombstones below every boundary: mark it only
                // if all of them are, or it would be rewritten again and again to no effect.
                if (trigger > 0 && f.tombstones() > 0 && f.tombstones() >= trigger * f.entries()
                        && (level < last || f.maxRevision() <= lowestBoundary)) {
                    marked.add(f.fileNumber());
                }
            }
        }
        return marked;
    }

    /** Tables whose revisions overlap a rolled-back range; outputs of later compactions never do. */
    private static Set<Long> tablesOverlappingRolledBack(Version v) {
        Set<Long> out = ConcurrentHashMap.newKeySet();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                for (var r : v.rolledBack()) {
                    if (f.minRevision() <= r.to() && f.maxRevision() >= r.from()) {
                        out.add(f.fileNumber());
                    }
                }
            }
        }
        return out;
    }

    /** Recomputes the write-stall decision for the current shape. REQUIRES: stateLock held. */
    private void updateStallLocked() {
        CompactionEnv env = envLocked();
        pendingCompactionBytes = picker.pendingCompactionBytes(env);
        StallDecision d = picker.stall(env, readState.immutables().size(), options.maxImmutableMemtables() + 1);
        if (d.kind() != stallDecision.kind()) {
            if (d.kind() == StallDecision.Kind.NONE) {
                log.info("writes to {} no longer stalled", dir);
            } else {
                log.info("writes to {} {}", dir, d);
            }
        }
        stallDecision = d;
        stateLock.notifyAll();
    }

    // ---------------------------------------------------------------- compactions

    /** Asks for a compaction pass; never loses a request made while a pass runs. REQUIRES: stateLock held. */
    private void scheduleCompactionLocked() {
        compactionRequested = true;
        if (!compactionRunning && !closed && fatalError == null) {
            compactionRunning = true;
            BackgroundPool.submit(BackgroundPool.Priority.COMPACTION, this::compactionLoop);
        }
    }

    private void compactionLoop() {
        while (true) {
            synchronized (stateLock) {
                if (!compactionRequested || closed || fatalError != null) {
                    compactionRunning = false;
                    stateLock.notifyAll();
                    return;
                }
                compactionRequested = false;
            }
            compactionLock.lock();
            try {
                while (!closed && fatalError == null) {
                    PickedCompaction c;
                    synchronized (stateLock) {
                        c = picker.pick(envLocked());
                    }
                    if (c == null) {
                        break;
                    }
                    runCompaction(c);
                }
            } catch (IOException | RuntimeException e) {
                onCompactionFailure(e);
                return;
            } finally {
                compactionLock.unlock();
            }
        }
    }

    private void onCompactionFailure(Exception e) {
        synchronized (stateLock) {
            compactionRunning = false;
            compactionFailures++;
            stateLock.notifyAll();
            if (fatalError != null || closed) {
                return;
            }
            compactionRetryDelayMillis = compactionRetryDelayMillis == 0 ? 100
                    : Math.min(MAX_RETRY_DELAY_MILLIS, compactionRetryDelayMillis * 2);
            log.warn("compaction in {} failed (its outputs are deleted; retrying in {} ms): {}", dir,
                    compactionRetryDelayMillis, e.toString());
            BackgroundPool.schedule(BackgroundPool.Priority.COMPACTION, () -> {
                synchronized (stateLock) {
                    scheduleCompactionLocked();
                }
            }, compactionRetryDelayMillis);
        }
    }

    /**
     * Runs one picked compaction as a transaction: outputs written and synced, then one manifest edit
     * swaps inputs for outputs. REQUIRES: compactionLock held.
     */
    private void runCompaction(PickedCompaction c) throws IOException {
        long start = System.nanoTime();
        VersionEdit.Builder edit = VersionEdit.builder();
        for (FileMetadata f : c.startInputs()) {
            edit.deleteFile(c.startLevel(), f.fileNumber());
        }
        for (FileMetadata f : c.outputLevelInputs()) {
            edit.deleteFile(c.outputLevel(), f.fileNumber());
        }
        CompactionJob.Result result = null;
        if (c.isTrivialMove()) {
            edit.addFile(c.outputLevel(), c.startInputs().get(0));
        } else {
            Version v;
            long[] boundaries;
            long historyFrom;
            synchronized (stateLock) {
                v = readState.version();
                historyFrom = historyHorizon(v);
                boundaries = boundaries(v, historyFrom);
            }
            if (historyFrom != Long.MAX_VALUE && historyFrom > v.trimHorizon()) {
                // Readers below the horizon this compaction trims to must fail from its install on.
                edit.trimHorizon(historyFrom);
            }
            result = compactionJob.run(c, options.compaction(),
                    picker.subcompactionBoundaries(c, options.compaction().maxSubcompactions()), boundaries,
                    v.rolledBack(), historyFrom);
            for (FileMetadata f : result.outputs()) {
                edit.addFile(c.outputLevel(), f);
            }
        }
        List<Long> obsolete;
        synchronized (installLock) {
            Version installed;
            try {
                installed = versions.logAndApply(edit.build());
            } catch (IOException | RuntimeException e) {
                onManifestFailure(e);
                throw e;
            }
            synchronized (stateLock) {
                if (result != null) {
                    for (FileMetadata f : result.outputs()) {
                        knownTables.add(f.fileNumber());
                    }
                }
                // Counted with the install, so stats() never shows the new shape without the compaction.
                if (result == null) {
                    compactionStats.recordTrivialMove(c.outputLevel());
                } else {
                    long startBytes = 0;
                    for (FileMetadata f : c.startInputs()) {
                        startBytes += f.sizeBytes();
                    }
                    compactionStats.recordCompaction(c.outputLevel(), startBytes, c.inputBytes() - startBytes,
                            result.bytesWritten(), System.nanoTime() - start);
                }
                ReadState s = readState;
                obsolete = installLocked(new ReadState(s.active(), s.immutables(), installed));
                compactionRetryDelayMillis = 0;
            }
        }
        deleteTables(obsolete);
        if (result == null) {
            log.debug("moved table {} from L{} to L{}", c.startInputs().get(0).fileNumber(), c.startLevel(), c.outputLevel());
        } else {
            log.debug("compacted {} ({} entries in, {} out, {} tombstones dropped) into {} tables at L{}", c,
                    result.entriesIn(), result.entriesOut(), result.droppedTombstones(), result.outputs().size(),
                    c.outputLevel());
        }
        Consumer<Engine> listener = compactionListener;
        if (listener != null) {
            listener.accept(this);
        }
    }

    private static boolean tombstonesInRange(Version v, int level, byte[] from, byte[] to) {
        for (FileMetadata f : v.files(level)) {
            boolean overlaps = (from == null || java.util.Arrays.compareUnsigned(f.largestKey(), from) >= 0)
                    && (to == null || java.util.Arrays.compareUnsigned(f.smallestKey(), to) <= 0);
            if (overlaps && f.tombstones() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * What compaction must keep readable (design §4, §5 invariant 4): every open snapshot's revision,
     * the recovery point, and the trim horizon. REQUIRES: stateLock held.
     */
    private long[] boundaries(Version v, long historyFrom) {
        List<Long> b = new ArrayList<>(snapshotRevisions.keySet());
        if (v.trimHorizon() > 0) {
            b.add(v.trimHorizon());
        }
        CommitPoint recovery = v.recoveryPoint();
        if (recovery != null) {
            b.add(recovery.revision());
        }
        if (historyFrom != Long.MAX_VALUE) {
            b.add(historyFrom);
        }
        long[] out = new long[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    @Override
    public void compactRange(byte[] from, byte[] to) {
        checkWritable();
        if (from != null && to != null && java.util.Arrays.compareUnsigned(from, to) > 0) {
            return; // an empty range, as for iterators
        }
        flush();
        compactionLock.lock();
        try {
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                checkWritable();
                PickedCompaction c;
                synchronized (stateLock) {
                    if (level == Version.NUM_LEVELS - 1 && !tombstonesInRange(readState.version(), level, from, to)) {
                        break; // rewriting the last level only pays when it can drop tombstones
                    }
                    c = picker.manual(envLocked(), from, to, level);
                }
                if (c != null) {
                    runCompaction(c);
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("manual compaction of " + dir + " failed (its outputs are deleted)", e);
        } finally {
            compactionLock.unlock();
        }
        synchronized (stateLock) {
            scheduleCompactionLocked();
        }
    }

    /** Drops one reference; returns tables no live version names any more. REQUIRES: stateLock held. */
    private List<Long> unrefLocked(Version v) {
        if (!v.unref()) {
            return List.of();
        }
        liveVersions.remove(v);
        Set<Long> live = new HashSet<>();
        for (Version lv : liveVersions) {
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (FileMetadata f : lv.files(level)) {
                    live.add(f.fileNumber());
                }
            }
        }
        List<Long> obsolete = new ArrayList<>();
        for (Long n : knownTables) {
            if (!live.contains(n)) {
                obsolete.add(n);
            }
        }
        obsolete.forEach(knownTables::remove);
        return obsolete;
    }

    /** Deletes tables that no version names; the edit that dropped them is durable by construction. */
    private void deleteTables(List<Long> obsolete) {
        for (long n : obsolete) {
            tableCache.evict(n);
            try {
                fs.delete(FileNames.table(dir, n));
            } catch (IOException e) {
                log.warn("cannot delete obsolete table {} (swept on next open): {}", FileNames.table(dir, n), e.toString());
            }
        }
    }

    @Override
    public void flush() {
        checkWritable();
        long target;
        long failuresBefore;
        synchronized (writeLock) {
            target = visibleRevision;
            synchronized (stateLock) {
                failuresBefore = flushFailures;
            }
            if (!readState.active().isEmpty()) {
                freezeActive();
            }
        }
        waitForFlush(target, failuresBefore);
    }

    /**
     * Waits until every revision up to {@code target} is in SSTables; fails if a flush attempt failed
     * after the failure count was {@code failuresBefore} (read before the flush was triggered, so a
     * failure that a quick retry hides is still reported).
     */
    private void waitForFlush(long target, long failuresBefore) {
        synchronized (stateLock) {
            while (readState.version().flushedRevision() < target && hasFrozenAtOrBelow(target)) {
                if (fatalError != null) {
                    throw fatalError;
                }
                if (flushFailures != failuresBefore) {
                    throw new StoreIOException("flush of " + dir + " failed (it will be retried; nothing is lost)",
                            lastFlushError);
                }
                scheduleFlushLocked();
                try {
                    stateLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting for a flush of " + dir);
                }
            }
        }
    }

    /** REQUIRES: stateLock held. */
    private boolean hasFrozenAtOrBelow(long target) {
        for (MemTable m : readState.immutables()) {
            if (m.minRevision() <= target) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- reads

    /** Pins the current read state (its version). Release with {@link #release(ReadState)}. */
    private ReadState acquire() {
        synchronized (stateLock) {
            ReadState s = readState;
            s.version().ref();
            return s;
        }
    }

    private void release(ReadState s) {
        List<Long> obsolete;
        synchronized (stateLock) {
            obsolete = unrefLocked(s.version());
        }
        deleteTables(obsolete);
    }

    @Override
    public byte[] get(byte[] key) {
        checkKey(key);
        checkOpen();
        return getAt(key, visibleRevision);
    }

    byte[] getAt(byte[] key, long revision) {
        ReadState s = acquire();
        try {
            return pointReader.get(s, key, revision);
        } finally {
            release(s);
        }
    }

    @Override
    public byte[] get(byte[] key, long revision) {
        checkKey(key);
        checkOpen();
        checkNotFuture(revision);
        ReadState s = acquire();
        try {
            checkNotTrimmed(revision, s.version());
            return pointReader.get(s, key, revision);
        } finally {
            release(s);
        }
    }

    @Override
    public StoreIterator iterator(KeyRange range, boolean reverse, long revision) {
        Objects.requireNonNull(range, "range must not be null");
        checkOpen();
        checkNotFuture(revision);
        return iteratorAt(range, reverse, revision, true);
    }

    private void checkNotFuture(long revision) {
        long last = visibleRevision;
        if (revision > last) {
            throw new IllegalArgumentException("revision " + revision + " is above the last revision " + last
                    + " of store " + dir);
        }
    }

    /**
     * Checked against the version the read uses: a compaction that trims past {@code revision} logs
     * its horizon in the version it installs, so a read either fails or reads the files from before it.
     */
    private void checkNotTrimmed(long revision, Version v) {
        long horizon;
        if (options.revisions().keepsHistory()) {
            synchronized (stateLock) {
                horizon = historyHorizon(v);
            }
        } else {
            horizon = visibleRevision;
        }
        if (revision < horizon) {
            String why = options.revisions().keepsHistory()
                    ? "below the trim horizon " + horizon + " (retention: " + options.revisions() + ")"
                    : "in the past, and store " + dir + " keeps no history (set RevisionOptions.historyRetention "
                            + "or historyRetentionRevisions, or read through a snapshot)";
            throw new RevisionTrimmedException(revision, horizon, "cannot read at revision " + revision + ": " + why);
        }
    }

    /**
     * The history horizon: every version above it is kept and readable. {@link Long#MAX_VALUE} when no
     * history is retained. The longer of the two retentions wins; an explicit trim raises it.
     */
    private long historyHorizon(Version v) {
        RevisionOptions r = options.revisions();
        if (!r.keepsHistory()) {
            return Long.MAX_VALUE;
        }
        long h = Long.MAX_VALUE;
        if (r.historyRetentionRevisions() > 0) {
            h = Math.max(0, visibleRevision - r.historyRetentionRevisions());
        }
        if (!r.historyRetention().isZero()) {
            h = Math.min(h, revisionAt(options.clock().millis() - r.historyRetention().toMillis()));
        }
        return Math.max(h, v.trimHorizon());
    }

    /**
     * The last revision at wall time {@code millis}, from the samples the write path takes; 0 (keep
     * everything) when no sample is that old, as right after open.
     */
    private long revisionAt(long millis) {
        synchronized (revisionTimes) {
            long rev = 0;
            while (!revisionTimes.isEmpty() && revisionTimes.peekFirst()[0] <= millis) {
                long[] first = revisionTimes.pollFirst();
                rev = first[1];
                if (revisionTimes.isEmpty() || revisionTimes.peekFirst()[0] > millis) {
                    revisionTimes.addFirst(first); // still the answer for this and later times
                    break;
                }
            }
            return rev;
        }
    }

    /** Records (now, revision) for age-based history, at most every ~1/20 of the retention. REQUIRES: writeLock held. */
    private void sampleTime(long revision) {
        Duration age = options.revisions().historyRetention();
        if (age.isZero()) {
            return;
        }
        long now = options.clock().millis();
        if (now - lastTimeSampleMillis >= Math.max(1, Math.min(1000, age.toMillis() / 20))) {
            lastTimeSampleMillis = now;
            synchronized (revisionTimes) {
                revisionTimes.addLast(new long[] {now, revision});
            }
        }
    }

    @Override
    public long trimHorizon() {
        checkOpen();
        if (!options.revisions().keepsHistory()) {
            return visibleRevision;
        }
        synchronized (stateLock) {
            return historyHorizon(readState.version());
        }
    }

    @Override
    public long trimHistory(long revision) {
        synchronized (writeLock) {
            checkWritable();
            Version v = readState.version();
            CommitPoint recovery = v.recoveryPoint();
            long cap = recovery != null ? recovery.revision() : visibleRevision;
            long target = Math.min(revision, cap);
            if (target > v.trimHorizon()) {
                logUnsynced(VersionEdit.builder().trimHorizon(target).build());
                synchronized (stateLock) {
                    scheduleCompactionLocked();
                }
            }
            return trimHorizon();
        }
    }

    // ---------------------------------------------------------------- commit points

    @Override
    public long commit(Map<String, Long> offsets, byte[] position) {
        Objects.requireNonNull(offsets, "offsets must not be null (an empty map clears them all)");
        for (String name : offsets.keySet()) {
            Objects.requireNonNull(name, "offset names must not be null");
        }
        synchronized (writeLock) {
            checkWritable();
            Map<String, Long> merged = new HashMap<>();
            if (!offsets.isEmpty()) {
                merged.putAll(committedOffsets);
                offsets.forEach((name, offset) -> {
                    if (offset == null) {
                        merged.remove(name);
                    } else {
                        merged.put(name, offset);
                    }
                });
            }
            byte[] pos = position == null ? committedPosition : position.clone();
            long rev = visibleRevision;
            CommitPoint point = new CommitPoint(rev, merged, pos, options.clock().millis());
            logUnsynced(VersionEdit.builder().addCommitPoint(point).build());
            committedOffsets = point.offsets();
            committedPosition = pos;
            return rev;
        }
    }

    /**
     * Appends an edit whose loss in a crash is safe, without a sync of its own, and installs its version.
     * REQUIRES: writeLock held (so no flush can be waiting for this thread).
     */
    private void logUnsynced(VersionEdit edit) {
        List<Long> obsolete;
        synchronized (installLock) {
            Version installed;
            try {
                installed = versions.logAndApply(edit, false);
            } catch (IOException | RuntimeException e) {
                onManifestFailure(e);
                throw new StoreIOException("cannot record " + edit + " in the manifest of " + dir, asIo(e));
            }
            synchronized (stateLock) {
                ReadState s = readState;
                obsolete = installLocked(new ReadState(s.active(), s.immutables(), installed));
            }
        }
        deleteTables(obsolete);
    }

    private static IOException asIo(Exception e) {
        return e instanceof IOException io ? io : new IOException(e.toString(), e);
    }

    @Override
    public Map<String, Long> committedOffsets() {
        checkOpen();
        return committedOffsets;
    }

    @Override
    public byte[] committedPosition() {
        checkOpen();
        return committedPosition.clone();
    }

    /** Starts the bounded-replay check (design §5): flushes once the oldest unflushed commit point is too old. */
    private void scheduleReplayCheck() {
        Duration age = options.revisions().maxReplayAge();
        long period = age.isZero() ? 1000 : Math.max(10, Math.min(1000, age.toMillis() / 4));
        replayCheck = BackgroundPool.every(this::checkReplay, period);
    }

    private void checkReplay() {
        if (closed || closeRequested || fatalError != null) {
            return;
        }
        try {
            // Commit points are appended unsynced; make them durable within about a period.
            versions.sync();
        } catch (IOException | RuntimeException e) {
            onManifestFailure(e);
            return;
        }
        Duration age = options.revisions().maxReplayAge();
        if (age.isZero()) {
            return;
        }
        Version v = readState.version();
        CommitPoint oldest = null;
        for (CommitPoint c : v.commitPoints()) {
            if (c.revision() > v.flushedRevision()) {
                oldest = c;
                break;
            }
        }
        if (oldest == null || options.clock().millis() - oldest.wallTimeMillis() < age.toMillis()) {
            return;
        }
        synchronized (writeLock) {
            if (closed || closeRequested || fatalError != null) {
                return;
            }
            ReadState s = readState;
            // Never wait for room here: a full set of frozen memtables is being flushed already.
            if (!s.active().isEmpty() && s.active().minRevision() <= oldest.revision()
                    && s.immutables().size() < options.maxImmutableMemtables()) {
                log.debug("flushing {}: the commit point at revision {} is older than {}", dir, oldest.revision(), age);
                freezeActive();
            }
        }
    }

    @Override
    public StoreIterator iterator(KeyRange range, boolean reverse) {
        Objects.requireNonNull(range, "range must not be null");
        checkOpen();
        return iteratorAt(range, reverse, visibleRevision);
    }

    StoreIterator iteratorAt(KeyRange range, boolean reverse, long revision) {
        return iteratorAt(range, reverse, revision, false);
    }

    private StoreIterator iteratorAt(KeyRange range, boolean reverse, long revision, boolean checkHistory) {
        ReadState s = acquire();
        InternalIterator merged;
        try {
            if (checkHistory) {
                checkNotTrimmed(revision, s.version());
            }
            merged = mergedIterator(s);
        } catch (RuntimeException e) {
            release(s);
            throw e;
        }
        SnapshotIterator[] self = new SnapshotIterator[1];
        Runnable onClose = () -> {
            openReaders.remove(self[0]);
            release(s);
        };
        try {
            self[0] = new SnapshotIterator(merged, revision, range, reverse, onClose);
        } catch (RuntimeException e) {
            merged.close();
            release(s);
            throw e;
        }
        openReaders.add(self[0]);
        if (closed) {
            self[0].close();
            throw new StoreClosedException("store " + dir);
        }
        return self[0];
    }

    /** Every source of a read state merged, newest sources first (ties never occur: revisions are unique). */
    private InternalIterator mergedIterator(ReadState s) {
        List<InternalIterator> children = new ArrayList<>();
        children.add(s.active().iterator());
        for (MemTable m : s.immutables()) {
            children.add(m.iterator());
        }
        Version v = s.version();
        for (FileMetadata f : v.files(0)) {
            children.add(RolledBackFilter.wrap(new LevelIterator(tableCache, List.of(f)), v));
        }
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            if (!v.files(level).isEmpty()) {
                children.add(RolledBackFilter.wrap(new LevelIterator(tableCache, v.files(level)), v));
            }
        }
        return new MergingIterator(children);
    }

    @Override
    public Snapshot snapshot() {
        checkOpen();
        // Read and register under stateLock, where compactions read the boundaries: a compaction either
        // sees this snapshot, or picked its inputs before it existed, when every input revision was at or
        // below the revision this snapshot reads (so the newest of them, which are kept, are what it sees).
        EngineSnapshot snap;
        synchronized (stateLock) {
            snap = new EngineSnapshot(this, visibleRevision);
            snapshotRevisions.merge(snap.revision(), 1, Integer::sum);
        }
        openReaders.add(snap);
        return snap;
    }

    void snapshotClosed(EngineSnapshot snap) {
        openReaders.remove(snap);
        synchronized (stateLock) {
            snapshotRevisions.computeIfPresent(snap.revision(), (k, n) -> n == 1 ? null : n - 1);
            if (snapshotRevisions.isEmpty()) {
                scheduleCompactionLocked(); // tombstones the snapshots pinned may be droppable now
            }
        }
    }

    void setCompactionListener(Consumer<Engine> listener) {
        this.compactionListener = listener;
    }

    void checkOpenForSnapshot() {
        checkOpen();
    }

    @Override
    public long lastRevision() {
        return visibleRevision;
    }

    /** "cause: count stalls, millis ms" per stall cause. REQUIRES: stateLock held. */
    private java.util.Map<String, String> stallSummaryLocked() {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        stallsByReason.forEach((k, v) -> m.put(k, v[0] + " stalls, " + v[1] / 1_000_000 + " ms"));
        return m;
    }

    @Override
    public StoreStats stats() {
        ReadState s = readState;
        long memBytes = s.active().approximateBytes();
        long entries = s.active().entries();
        for (MemTable m : s.immutables()) {
            memBytes += m.approximateBytes();
            entries += m.entries();
        }
        List<Integer> files = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        long live = 0;
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            List<FileMetadata> fl = s.version().files(level);
            files.add(fl.size());
            long b = 0;
            for (FileMetadata f : fl) {
                b += f.sizeBytes();
                entries += f.entries();
            }
            bytes.add(b);
            live += b;
        }
        synchronized (stateLock) {
            CompactionEnv env = envLocked();
            return new StoreStats(visibleRevision, memBytes, s.immutables().size(), files, bytes, live, entries,
                    flushes, flushedBytes, writeStalls, writeStallNanos / 1_000_000, blockCache.hits(),
                    blockCache.misses(), blockCache.usedBytes(), tableCache.openTables(), compactionStats.compactions(),
                    compactionStats.compactionBytesRead(), compactionStats.compactionBytesWritten(),
                    compactionStats.writeAmplification(), pendingCompactionBytes, stallDecision.reason(),
                    compactionStats.table(s.version(), picker.scores(env)), pointReader.tableReads(),
                    pointReader.tableReadMisses(), stallSummaryLocked(), s.version().flushedRevision(),
                    recoveryRevision(s.version()), options.revisions().keepsHistory() ? historyHorizon(s.version())
                            : visibleRevision, s.version().commitPoints().size(), s.version().rolledBack().size(),
                    compactionStats.flushMillis(), compactionStats.compactionMillis());
        }
    }

    private static long recoveryRevision(Version v) {
        CommitPoint p = v.recoveryPoint();
        return p == null ? -1 : p.revision();
    }

    // ---------------------------------------------------------------- test access

    /** The current version (for invariant checks in tests). */
    Version currentVersion() {
        return readState.version();
    }

    TableCache tableCache() {
        return tableCache;
    }

    /** Makes appended commit points durable now, as the periodic check would. */
    void syncManifest() throws IOException {
        versions.sync();
    }

    /** Tables that may hold rolled-back revisions (all others must hold none). */
    Set<Long> rolledBackTables() {
        return rolledBackTables;
    }

    /** Held by compactions; tests hold it to pause them. */
    ReentrantLock compactionLock() {
        return compactionLock;
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        closeRequested = true;
        synchronized (stateLock) {
            stateLock.notifyAll(); // stalled writers re-check and give way
        }
        StoreException failure = null;
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            try {
                if (fatalError == null && !readState.active().isEmpty()) {
                    freezeActive(true);
                }
            } catch (StoreException e) {
                failure = e;
                log.error("closing {}: the active memtable could not be flushed; its writes are lost as after a crash: {}",
                        dir, e.getMessage());
            } finally {
                closed = true;
            }
        }
        for (AutoCloseable r : new ArrayList<>(openReaders)) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing a reader of {}: {}", dir, e.toString());
            }
        }
        if (fatalError == null && failure == null) {
            try {
                long failuresBefore;
                synchronized (stateLock) {
                    failuresBefore = flushFailures;
                }
                waitForFlush(visibleRevision, failuresBefore);
            } catch (StoreException e) {
                failure = e;
                log.error("closing {}: the last memtables could not be flushed; their writes are lost as after a crash: {}",
                        dir, e.getMessage());
            }
        }
        java.util.concurrent.ScheduledFuture<?> check = replayCheck;
        if (check != null) {
            check.cancel(false);
        }
        if (fatalError == null) {
            try {
                versions.sync(); // commit points after the last flush: the latest one is the recovery point
            } catch (IOException | RuntimeException e) {
                log.error("closing {}: the manifest could not be synced; the last commit points may be lost: {}",
                        dir, e.toString());
                if (failure == null) {
                    failure = new StoreIOException("closing " + dir + ": the manifest could not be synced; "
                            + "the last commit points may be lost", asIo(e));
                }
            }
        }
        synchronized (stateLock) {
            while (flushRunning || compactionRunning) {
                try {
                    stateLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            versions.close();
        } catch (IOException e) {
            log.warn("closing the manifest of {}: {}", dir, e.toString());
        }
        tableCache.close();
        budget.leave();
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("releasing the lock of {}: {}", dir, e.toString());
        }
        log.info("closed store {} at revision {}", dir, visibleRevision);
        if (failure == null && fatalError != null) {
            failure = new StoreException("closed " + dir + " after a manifest failure: its last writes and commit "
                    + "points may not be durable; reopen to recover", fatalError);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
