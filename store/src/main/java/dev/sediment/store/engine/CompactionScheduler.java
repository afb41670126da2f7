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
import java.util.concurrent.locks.ReentrantLock;

/**
 * Background and manual compactions: one pass at a time per store, picking until the picker finds
 * nothing; a failed pass is retried with backoff (its outputs are deleted, its inputs untouched). Each
 * background compaction holds one of the JVM's {@link CompactionSlots}; a pass denied one parks until
 * another store's compaction ends (manual compactions are not bounded: a caller waits for them).
 * Methods ending in Locked require the state lock.
 */
final class CompactionScheduler {
    private static final Logger log = LoggerFactory.getLogger(CompactionScheduler.class);

    private final EngineState state;
    private final TreeShape shape;
    private final CompactionPicker picker;
    private final CompactionJob job;
    private final CompactionStats stats;
    private final VersionInstaller installer;
    /** Held while a compaction runs: one at a time per store (background or manual). Before installLock. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    // Guarded by stateLock.
    private boolean running;
    private boolean requested;
    private long failures;
    private final RetryBackoff backoff = new RetryBackoff();
    /** Tests: called after every installed compaction, on the compacting thread. */
    private volatile Runnable listener;
    /** The JVM-wide bound on running compactions, and how a pass parked there is scheduled again. */
    private final CompactionSlots slots;
    private final Runnable wake;

    CompactionScheduler(EngineState state, TreeShape shape, CompactionPicker picker, CompactionJob job,
                        CompactionStats stats, VersionInstaller installer) {
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
    }

    ReentrantLock lock() {
        return compactionLock;
    }

    void listener(Runnable listener) {
        this.listener = listener;
    }

    boolean runningLocked() {
        return running;
    }

    /** Asks for a compaction pass; never loses a request made while a pass runs. */
    void scheduleLocked() {
        requested = true;
        if (!running && !state.closed && state.fatalError == null) {
            running = true;
            BackgroundPool.submit(BackgroundPool.Priority.COMPACTION, this::loop);
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
            compactionLock.lock();
            try {
                while (!state.closed && state.fatalError == null) {
                    boolean slot = false;
                    try {
                        PickedCompaction c;
                        synchronized (state.stateLock) {
                            CompactionEnv env = shape.envLocked();
                            boolean urgent = CompactionPacing.urgent(env, picker.pendingCompactionBytes(env));
                            if (!slots.tryAcquire(urgent, wake)) {
                                // Parked without a pool thread: other stores' compactions hold the slots.
                                // The pass is still asked for; the next released slot schedules it again.
                                requested = true;
                                running = false;
                                state.stateLock.notifyAll();
                                return;
                            }
                            slot = true;
                            c = picker.pick(env);
                            startedLocked(c);
                        }
                        if (c == null) {
                            break;
                        }
                        run(c);
                    } finally {
                        if (slot) {
                            slots.release(); // outside the state lock: it runs other stores' wakes
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                onFailure(e);
                return;
            } finally {
                compactionLock.unlock();
            }
        }
    }

    private void onFailure(Exception e) {
        synchronized (state.stateLock) {
            running = false;
            failures++;
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

    /**
     * Compacts every level's part of [from, to] (null: unbounded) down the tree, then asks for a
     * background pass. The caller flushed first.
     */
    /** {@link dev.sediment.store.Store#dropRange}: whole tables no compaction reads ({@link RangeDrop}). */
    DroppedTables dropRange(KeyRange range) {
        return RangeDrop.drop(state, installer, shape, range);
    }

    void compactRange(byte[] from, byte[] to) {
        compactionLock.lock();
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
                }
            }
        } catch (IOException e) {
            throw new StoreIOException("manual compaction of " + state.dir + " failed (its outputs are deleted)", e);
        } finally {
            compactionLock.unlock();
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

    /**
     * Runs one picked compaction as a transaction: outputs written and synced, then one manifest edit
     * swaps inputs for outputs. REQUIRES: compactionLock held.
     */
    /** Registered in the lock block that picked it, so no other pick sees its inputs as free. */
    private void startedLocked(PickedCompaction c) {
        if (c != null) {
            shape.compactionStartedLocked(c);
        }
    }

    /** Runs a picked (and registered) compaction; it is unregistered however it ends. */
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
            shape.compactionEndedLocked(c); // installed: its inputs are gone, its outputs are plain files
            // Counted with the install, so stats() never shows the new shape without the compaction.
            if (done == null) {
                stats.recordTrivialMove(c.outputLevel());
            } else {
                long startBytes = 0;
                for (FileMetadata f : c.startInputs()) {
                    startBytes += f.sizeBytes();
                }
                stats.recordCompaction(c.outputLevel(), startBytes, c.inputBytes() - startBytes,
                        done.bytesWritten(), System.nanoTime() - start);
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
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }
}
