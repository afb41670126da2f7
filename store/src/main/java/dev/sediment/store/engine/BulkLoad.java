package dev.sediment.store.engine;

import dev.sediment.store.StoreIOException;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.VersionEdit;

import java.io.IOException;
import java.util.List;

/**
 * Bulk loads (restores): a large batch becomes sorted L0 tables installed directly, skipping the
 * memtable; while a load goes on L0 is compacted at a raised trigger (see {@link TreeShape}), and the
 * first ordinary write ends it.
 */
final class BulkLoad {
    private final EngineState state;
    private final IngestJob job;
    private final WritePipeline writes;
    private final VersionInstaller installer;
    private final TreeShape shape;
    private final WriteStalls stalls;
    private final CompactionScheduler compactions;
    private final BudgetShare budget;

    BulkLoad(EngineState state, IngestJob job, WritePipeline writes, VersionInstaller installer, TreeShape shape,
             WriteStalls stalls, CompactionScheduler compactions, BudgetShare budget) {
        this.state = state;
        this.job = job;
        this.writes = writes;
        this.installer = installer;
        this.shape = shape;
        this.stalls = stalls;
        this.compactions = compactions;
        this.budget = budget;
    }

    /**
     * Below this size a batch goes through the memtable: a table per small batch would only feed L0 and
     * compaction, while the memtable gathers many batches into one table.
     */
    private long minIngestBytes() {
        return state.options.memtableSizeBytes() / 4;
    }

    /** Ingests a checked batch; see {@link dev.sediment.store.Store#ingest}. */
    long ingest(WriteBatch batch) {
        if (batch.isEmpty() || batch.approximateBytes() < minIngestBytes()) {
            budget.awaitRoom();
            return writes.write(batch); // a small run of a bulk load does not end it
        }
        // With no memtable data, the new table holds the newest revisions and every older one is flushed:
        // the flushed revision can move to the table's last revision, as a flush would.
        writes.flush();
        synchronized (state.writeLock) {
            state.checkWritable();
            ReadState s = state.readState;
            if (s.active().isEmpty() && s.immutables().isEmpty()) {
                writes.throttle(0); // stops at STOP; a slowdown's pacing is for memtable writes (bulk loading compacts L0 early)
                writes.reserve(batch.size());
                long first = writes.lastAssigned() + 1;
                long last = writes.lastAssigned() + batch.size();
                List<FileMetadata> tables;
                try {
                    tables = job.run(batch, first, state.versions::newFileNumber);
                } catch (IOException e) {
                    throw new StoreIOException("cannot write an ingested table in " + state.dir, e);
                }
                VersionEdit.Builder edit = VersionEdit.builder().flushedRevision(last).lastRevision(last);
                tables.forEach(t -> edit.addFile(0, t));
                installer.install(edit.build(), true, "an ingested table", (now, installed) -> {
                    shape.bulkLoadingLocked(true);
                    shape.ingestedLocked(tables);
                    compactions.scheduleLocked();
                    return new ReadState(now.active(), now.immutables(), installed);
                });
                // Visible only now: readers filter by revision, so the installed table was invisible until here.
                writes.assign(batch.size());
                writes.publish(last);
                return last;
            }
        }
        // A writer got in since the flush: the memtable path keeps revisions in order. Without waiting for
        // budget room, as a large ingest never waits for it: its caller holds the batch in memory already
        // and may be what a wait would wait for.
        return writes.write(batch);
    }

    /**
     * The first write after ingests ends the bulk load: L0 is compacted at the usual trigger again. The
     * raised trigger stays below the slowdown trigger, so the writer does not start into a stall.
     */
    void end() {
        if (shape.bulkLoading()) {
            synchronized (state.stateLock) {
                if (shape.bulkLoading()) {
                    shape.bulkLoadingLocked(false);
                    stalls.updateLocked();
                    compactions.scheduleLocked();
                }
            }
        }
    }
}
