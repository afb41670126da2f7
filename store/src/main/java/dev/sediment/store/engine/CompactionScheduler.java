package dev.sediment.store.engine;

import dev.sediment.store.DroppedTables;
import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.compaction.CompactionEnv;
import dev.sediment.store.compaction.CompactionPacing;
import dev.sediment.store.compaction.CompactionPicker;
import dev.sediment.store.compaction.PickedCompaction;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Background and manual compactions. A store runs one background <em>pass</em> at a time, picking until the
 * picker finds nothing; while its compaction is urgent ({@link CompactionPacing#urgent}: L0 or the pending
 * bytes past the speed-up thresholds) a second, <em>helper</em> compaction runs beside it — say an L0 → base
 * level merge beside a deeper one, which the picker keeps apart (busy inputs, running output ranges), as
 * RocksDB raises a column family's compaction parallelism once it falls behind. Each background compaction
 * holds one of the JVM's {@link CompactionSlots}; the pass, denied one, parks until another compaction
 * ends, the helper just stops (it exists only to use a free thread). A failed compaction is retried with
 * backoff (its outputs are deleted, its inputs untouched). Manual compactions run alone: they take
 * {@link #lock()}, which waits for running background compactions and keeps new ones out.
 * Methods ending in Locked require the state lock.
 */
final class CompactionScheduler {
    private static final Logger log = LoggerFactory.getLogger(CompactionScheduler.class);

    /** What one step of a pass or of the helper did. */
    private enum Step { COMPACTED, NOTHING_TO_DO, PARKED }

    private final EngineState state;
    private final TreeShape shape;
    private final CompactionPicker picker;
    private final CompactionJob job;
    private final CompactionStats stats;
    private final VersionInstaller installer;
    private final WriteStalls stalls;
    /**
     * Background compactions hold its read lock from their pick to their install, so up to two run at
     * once; a manual compaction holds its write lock, and so do tests that pause compactions. Before
     * installLock.
     */
    private final ReentrantReadWriteLock pauseLock = new ReentrantReadWriteLock();
    // Guarded by stateLock.
    private boolean running;
    private boolean helping;
    private boolean requested;
    private long failures;
    /** The error of the last failed compaction, for a write stalled on compaction to report. */
    private IOException lastError;
    private final RetryBackoff backoff = new RetryBackoff();
    /** Tests: called after every installed compaction, on the compacting thread, paused-lock released. */
    private volatile Runnable listener;
    /** The JVM-wide bound on running compactions, and how a pass parked there is scheduled again. */
    private final CompactionSlots slots;
    private final Runnable wake;

    CompactionScheduler(EngineState state, TreeShape shape, CompactionPicker picker, CompactionJob job,
                        CompactionStats stats, VersionInstaller installer, WriteStalls stalls) {
        this.slots = BackgroundPool.COMPACTION_SLOTS;
        this.state = state;
        this.wake = () -> {
            synchronized (state.stateLock) {
                scheduleLocked();
            }
        };
        this.installer = installer;
        this.shape = shape;
        this.picker = picker;
        this.job = job;
        this.stats = stats;
        this.stalls = stalls;
    }

    /** Held (write side) by manual compactions; tests hold it to pause background ones. */
    Lock lock() {
        return pauseLock.writeLock();
    }

    void listener(Runnable listener) {
        this.listener = listener;
    }

    /** Whether the pass runs (tests). */
    boolean passRunningLocked() {
        return running;
    }

    /** Compactions failed since open. */
    long failuresLocked() {
        return failures;
    }

    /** The error of the last failed compaction, or null. */
    IOException lastErrorLocked() {
        return lastError;
    }

    /** Whether a background compaction (the pass or the helper) is running or about to. */
    boolean runningLocked() {
        return running || helping;
    }

    /**
     * Asks for a compaction pass; never loses a request made while a pass runs. While one runs and the
     * store is urgent, starts the helper (the shape's urgency is kept by {@link WriteStalls}, so this costs
     * no pick).
     */
    void scheduleLocked() {
        if (requestPassLocked() && stalls.compactionUrgent() && !state.closed && state.fatalError == null) {
            helpLocked();
        }
    }

    /** Asks for a pass, starting one if none runs; returns whether a pass was running already. */
    private boolean requestPassLocked() {
        requested = true;
        if (running) {
            return true;
        }
        if (!state.closed && state.fatalError == null) {
            running = true;
            BackgroundPool.submit(BackgroundPool.Priority.COMPACTION, this::loop);
        }
        return false;
    }

    /** Starts the helper unless it runs already. */
    private void helpLocked() {
        if (!helping) {
            helping = true;
            BackgroundPool.submit(BackgroundPool.Priority.COMPACTION, this::help);
        }
    }

    private void loop() {
        while (true) {
            synchronized (state.stateLock) {
                if (!requested || state.closed || state.fatalError != null) {
                    running = false;
                    state.stateLock.notifyAll();
                    return;
                }
                requested = false;
            }
            try {
                Step step;
                do {
                    step = step(false);
                } while (step == Step.COMPACTED);
                if (step == Step.PARKED) {
                    return; // running was cleared with the park
                }
            } catch (IOException | RuntimeException | Error e) {
                onFailure(e, false); // an Error too: else `running` stays set and close() waits forever
                rethrowIfError(e);
                return;
            }
        }
    }

    /** Rethrows an {@link Error} (after its runner recorded the failure): the pool thread's handler reports it. */
    private static void rethrowIfError(Throwable e) {
        if (e instanceof Error error) {
            throw error;
        }
    }

    /** The helper: compacts while the store is urgent, a slot is free and the picker finds work. */
    private void help() {
        try {
            while (step(true) == Step.COMPACTED) {
                // next
            }
            synchronized (state.stateLock) {
                helping = false;
                // The pass may have found nothing while this held the inputs it needed: it looks again.
                // (Not the helper: it would start again and again beside a long compaction of the pass.)
                requestPassLocked();
                state.stateLock.notifyAll();
            }
        } catch (IOException | RuntimeException | Error e) {
            onFailure(e, true);
            rethrowIfError(e);
        }
    }

    /**
     * Picks and runs one compaction under the pause lock's read side. The pass waits for that lock and
     * parks when denied a slot; the helper gives up on both (it never holds a pool thread idle, so a
     * paused store still leaves a thread to flushes).
     */
    private Step step(boolean helper) throws IOException {
        Lock read = pauseLock.readLock();
        if (!helper) {
            read.lock();
        } else if (!tryLock(read)) {
            return Step.NOTHING_TO_DO;
        }
        boolean slot = false;
        try {
            PickedCompaction c;
            synchronized (state.stateLock) {
                if (state.closed || state.fatalError != null) {
                    return Step.NOTHING_TO_DO;
                }
                CompactionEnv env = shape.envLocked();
                boolean urgent = CompactionPacing.urgent(env, picker.pendingCompactionBytes(env));
                if (helper) {
                    if (!urgent || !slots.tryAcquireWithoutParking(true)) {
                        return Step.NOTHING_TO_DO;
                    }
                } else if (!slots.tryAcquire(urgent, wake)) {
                    // Parked without a pool thread: other compactions hold the slots. The pass is still
                    // asked for; the next released slot schedules it again.
                    requested = true;
                    running = false;
                    state.stateLock.notifyAll();
                    return Step.PARKED;
                }
                slot = true;
                c = picker.pick(env);
                startedLocked(c);
                if (c != null && !helper && urgent) {
                    helpLocked(); // it picks around this one
                }
            }
            if (c == null) {
                return Step.NOTHING_TO_DO;
            }
            run(c);
        } finally {
            if (slot) {
                slots.release(); // outside the state lock: it runs other stores' wakes
            }
            read.unlock();
        }
        Runnable l = listener;
        if (l != null) {
            l.run(); // after the unlock: a listener may pause compactions itself
        }
        return Step.COMPACTED;
    }

    /** Takes {@code lock} now if free, giving way to a manual compaction already waiting for the write side. */
    private static boolean tryLock(Lock lock) {
        try {
            return lock.tryLock(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One compaction failed: its runner stops, and a pass is scheduled again after the backoff. */
    private void onFailure(Throwable e, boolean helper) {
        synchronized (state.stateLock) {
            if (helper) {
                helping = false;
            } else {
                running = false;
            }
            failures++;
            lastError = VersionInstaller.asIo(e);
            state.stateLock.notifyAll();
            if (state.fatalError != null || state.closed) {
                return;
            }
            long delay = backoff.failed();
            log.warn("compaction in {} failed (its outputs are deleted; retrying in {} ms): {}", state.dir, delay,
                    e.toString());
            BackgroundPool.schedule(BackgroundPool.Priority.COMPACTION, () -> {
                synchronized (state.stateLock) {
                    scheduleLocked();
                }
            }, delay);
        }
    }

    /** {@link dev.sediment.store.Store#dropRange}: whole tables no compaction reads ({@link RangeDrop}). */
    DroppedTables dropRange(KeyRange range) {
        return RangeDrop.drop(state, installer, shape, range);
    }

    /**
     * Compacts every level's part of [from, to] (null: unbounded) down the tree, alone (background
     * compactions wait), then asks for a background pass. The caller flushed first.
     */
    void compactRange(byte[] from, byte[] to) {
        Lock exclusive = pauseLock.writeLock();
        exclusive.lock();
        try {
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                state.checkWritable();
                PickedCompaction c;
                synchronized (state.stateLock) {
                    if (level == Version.NUM_LEVELS - 1 && state.options.compactionFilter() == null
                            && !tombstonesInRange(state.readState.version(), level, from, to)) {
                        break; // rewriting the last level only pays when it can drop tombstones (or filter)
                    }
                    c = picker.manual(shape.envLocked(), from, to, level);
                    startedLocked(c);
                }
                if (c != null) {
                    run(c);
                    Runnable l = listener;
                    if (l != null) {
                        l.run();
                    }
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("manual compaction of " + state.dir + " failed (its outputs are deleted)", e);
        } finally {
            exclusive.unlock();
        }
        synchronized (state.stateLock) {
            scheduleLocked();
        }
    }

    private static boolean tombstonesInRange(Version v, int level, byte[] from, byte[] to) {
        for (FileMetadata f : v.files(level)) {
            boolean overlaps = (from == null || Arrays.compareUnsigned(f.largestKey(), from) >= 0)
                    && (to == null || Arrays.compareUnsigned(f.smallestKey(), to) <= 0);
            if (overlaps && f.tombstones() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Registered in the lock block that picked it, so no other pick sees its inputs as free. */
    private void startedLocked(PickedCompaction c) {
        if (c != null) {
            shape.compactionStartedLocked(c);
        }
    }

    /**
     * Runs a picked (and registered) compaction as a transaction: outputs written and synced, then one
     * manifest edit swaps inputs for outputs. It is unregistered however it ends. REQUIRES: the pause
     * lock held (either side).
     */
    private void run(PickedCompaction c) throws IOException {
        try {
            runPicked(c);
        } finally {
            synchronized (state.stateLock) {
                shape.compactionEndedLocked(c);
            }
        }
    }

    private void runPicked(PickedCompaction c) throws IOException {
        long start = System.nanoTime();
        long cpuStart = ThreadCpu.nanos();
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
            synchronized (state.stateLock) {
                v = state.readState.version();
                historyFrom = shape.historyHorizonLocked(v);
                boundaries = shape.boundariesLocked(v, historyFrom);
            }
            if (historyFrom != Long.MAX_VALUE && historyFrom > v.trimHorizon()) {
                // Readers below the horizon this compaction trims to must fail from its install on.
                edit.trimHorizon(historyFrom);
            }
            result = job.run(c, state.options.compaction(),
                    picker.subcompactionBoundaries(c, state.options.compaction().maxSubcompactions()), boundaries,
                    v.rolledBack(), historyFrom);
            for (FileMetadata f : result.outputs()) {
                edit.addFile(c.outputLevel(), f);
            }
        }
        CompactionJob.Result done = result;
        installer.install(edit.build(), true, "a compaction", (s, installed) -> {
            // Installed: its inputs are gone, its outputs are plain files (an intra-L0 merge's weighted).
            shape.compactionInstalledLocked(c, done == null ? List.of() : done.outputs());
            // Counted with the install, so stats() never shows the new shape without the compaction.
            if (done == null) {
                stats.recordTrivialMove(c.outputLevel());
            } else {
                long startBytes = 0;
                for (FileMetadata f : c.startInputs()) {
                    startBytes += f.sizeBytes();
                }
                stats.recordCompaction(c.outputLevel(), startBytes, c.inputBytes() - startBytes,
                        done.bytesWritten(), System.nanoTime() - start, ThreadCpu.nanos() - cpuStart);
            }
            backoff.succeeded();
            return new ReadState(s.active(), s.immutables(), installed);
        });
        if (result == null) {
            log.debug("moved table {} from L{} to L{}", c.startInputs().get(0).fileNumber(), c.startLevel(),
                    c.outputLevel());
        } else {
            log.debug("compacted {} ({} entries in, {} out, {} tombstones dropped) into {} tables at L{}", c,
                    result.entriesIn(), result.entriesOut(), result.droppedTombstones(), result.outputs().size(),
                    c.outputLevel());
        }
    }
}
