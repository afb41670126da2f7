package dev.sediment.store.engine;

import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.VersionEdit;
import dev.sediment.store.memtable.MemTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes frozen memtables into L0 tables, oldest first, one at a time in the background; retries a
 * failed flush with backoff (the memtable stays readable meanwhile); lets callers wait for a flush.
 * Methods ending in Locked require the state lock.
 */
final class FlushScheduler {
    private static final Logger log = LoggerFactory.getLogger(FlushScheduler.class);

    private final EngineState state;
    private final FlushJob job;
    private final VersionInstaller installer;
    private final CompactionScheduler compactions;
    private final CompactionStats compactionStats;
    private final BudgetShare budget;
    // Guarded by stateLock.
    private boolean running;
    private long failures;
    private IOException lastError;
    private final RetryBackoff backoff = new RetryBackoff();
    /** No attempt before this (System.nanoTime()), set by a failure. */
    private long retryAtNanos = Long.MIN_VALUE;
    private long flushes;
    private long flushedBytes;

    FlushScheduler(EngineState state, FlushJob job, VersionInstaller installer, CompactionScheduler compactions,
                   CompactionStats compactionStats, BudgetShare budget) {
        this.state = state;
        this.job = job;
        this.installer = installer;
        this.compactions = compactions;
        this.compactionStats = compactionStats;
        this.budget = budget;
    }

    void scheduleLocked() {
        // During a retry backoff only the retry timer starts the next attempt: waiters woken by the
        // failure would otherwise retry at once, in a loop, on a disk that keeps failing.
        if (!running && !state.readState.immutables().isEmpty() && state.fatalError == null
                && System.nanoTime() >= retryAtNanos) {
            running = true;
            BackgroundPool.submit(BackgroundPool.Priority.FLUSH, this::flushLoop);
        }
    }

    /**
     * Flushes frozen memtables oldest first until none is left or one fails. Whatever ends it unexpectedly (an
     * {@link Error} such as an OutOfMemoryError, or a bug's RuntimeException outside the flush job) counts as a
     * failed flush: retried with backoff, reported to waiters. Otherwise {@code running} would stay set and
     * every flush, and the close waiting for one, would wait forever.
     */
    private void flushLoop() {
        try {
            flushUntilNoneLeft();
        } catch (RuntimeException | Error e) {
            onFailure(e);
            if (e instanceof Error error) {
                throw error; // recorded first; the pool thread's handler reports it
            }
        }
    }

    private void flushUntilNoneLeft() {
        while (true) {
            MemTable mem;
            synchronized (state.stateLock) {
                List<MemTable> frozen = state.readState.immutables();
                if (frozen.isEmpty() || state.fatalError != null) {
                    stoppedLocked();
                    return;
                }
                mem = frozen.get(frozen.size() - 1);
            }
            FileMetadata table;
            long flushStart = System.nanoTime();
            long flushCpu = ThreadCpu.nanos();
            CoreShare.JVM.flushStarted();
            try {
                table = job.run(mem, state.versions.newFileNumber());
            } catch (IOException | RuntimeException e) {
                onFailure(e);
                return;
            } finally {
                CoreShare.JVM.flushEnded();
            }
            VersionEdit edit = VersionEdit.builder()
                    .addFile(0, table)
                    .flushedRevision(mem.maxRevision())
                    .lastRevision(mem.maxRevision())
                    .build();
            try {
                installer.install(edit, true, "a flushed table", (s, installed) -> {
                    List<MemTable> frozen = new ArrayList<>(s.immutables());
                    frozen.remove(frozen.size() - 1);
                    flushes++;
                    flushedBytes += table.sizeBytes();
                    backoff.succeeded();
                    lastError = null;
                    compactions.scheduleLocked();
                    return new ReadState(s.active(), frozen, installed);
                });
            } catch (StoreException e) {
                synchronized (state.stateLock) {
                    stoppedLocked(); // read-only now: waiters see the fatal error
                }
                return;
            }
            budget.release(mem.frozenBytes()); // as charged: its inserts, and the rest at the freeze
            compactionStats.recordFlush(table.sizeBytes(), System.nanoTime() - flushStart,
                    ThreadCpu.nanos() - flushCpu);
            log.debug("flushed memtable of {} entries into table {} ({} bytes)", mem.entries(), table.fileNumber(),
                    table.sizeBytes());
        }
    }

    private void stoppedLocked() {
        running = false;
        state.stateLock.notifyAll();
    }

    private void onFailure(Throwable e) {
        IOException io = VersionInstaller.asIo(e);
        synchronized (state.stateLock) {
            failures++;
            lastError = io;
            running = false;
            long delay = backoff.failed();
            retryAtNanos = System.nanoTime() + delay * 1_000_000;
            state.stateLock.notifyAll();
            log.warn("flush of {} failed (will retry in {} ms; nothing is lost, the memtable stays in memory): {}",
                    state.dir, delay, e.toString());
            if (!state.closed) {
                BackgroundPool.schedule(BackgroundPool.Priority.FLUSH, () -> {
                    synchronized (state.stateLock) {
                        if (!state.closed) {
                            retryAtNanos = Long.MIN_VALUE;
                            scheduleLocked();
                        }
                    }
                }, delay);
            }
        }
    }

    /** Flush failures since open: a caller reads it before triggering a flush, to notice one that fails. */
    long failuresLocked() {
        return failures;
    }

    long failures() {
        synchronized (state.stateLock) {
            return failures;
        }
    }

    /** The error of the last failed flush attempt. */
    IOException lastErrorLocked() {
        return lastError;
    }

    boolean runningLocked() {
        return running;
    }

    long flushesLocked() {
        return flushes;
    }

    long flushedBytesLocked() {
        return flushedBytes;
    }

    /**
     * Waits until every revision up to {@code target} is in SSTables; fails if a flush attempt failed
     * after the failure count was {@code failuresBefore} (read before the flush was triggered, so a
     * failure that a quick retry hides is still reported).
     */
    void waitFor(long target, long failuresBefore) {
        synchronized (state.stateLock) {
            while (state.readState.version().flushedRevision() < target && hasFrozenAtOrBelow(target)) {
                if (state.fatalError != null) {
                    throw state.fatalError;
                }
                if (failures != failuresBefore) {
                    throw new StoreIOException("flush of " + state.dir + " failed (it will be retried; nothing is lost)",
                            lastError);
                }
                scheduleLocked();
                try {
                    state.stateLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting for a flush of " + state.dir);
                }
            }
        }
    }

    private boolean hasFrozenAtOrBelow(long target) {
        for (MemTable m : state.readState.immutables()) {
            if (m.minRevision() <= target) {
                return true;
            }
        }
        return false;
    }
}
