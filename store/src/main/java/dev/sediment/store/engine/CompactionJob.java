package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.CompactionFilter;
import dev.sediment.store.compaction.CompactionIterator;
import dev.sediment.store.compaction.OutputSplitter;
import dev.sediment.store.compaction.PickedCompaction;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.iterator.MergingIterator;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.RevisionRange;
import dev.sediment.store.sstable.TableOptions;
import dev.sediment.store.sstable.TableWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Executes one picked (non-trivial) compaction: merges its inputs, applies the MVCC drop rules
 * ({@link CompactionIterator}), and writes output tables cut by {@link OutputSplitter}, never between two
 * versions of one user key. A transaction (goleveldb): the outputs are durable (file and directory
 * synced) before the caller logs the edit that makes them live; on any failure every output written so
 * far is deleted and nothing changes.
 *
 * <p>Subcompactions: given split keys (user keys), the key space is cut into ranges
 * {@code [split[i-1], split[i])} compacted in parallel on the shared pool. Outputs of range i all sort
 * before those of range i+1, and a user key is never split because ranges start at a user key's first
 * version. The thread that runs the job also runs every range no pool thread has started yet, so it
 * only ever waits for ranges that are already running: a full pool cannot deadlock on its own subtasks.
 * Runs once.
 */
final class CompactionJob {
    private final FileSystem fs;
    private final Path dir;
    private final TableCache tables;
    private final TableOptions tableOptions;
    /** For outputs that stay in L0: they are merged again soon, so they are written as cheaply as flushes. */
    private final TableOptions l0Options;
    private final LongSupplier fileNumbers;
    private final CompactionFilter filter;
    /** Whether this compaction may wait for a flush ({@link CoreShare}): its store is not urgent nor closing. */
    private volatile BooleanSupplier mayWait = () -> false;
    /** A compaction looks at {@link CoreShare} every 1,024 entries (this mask + 1): a few microseconds of work. */
    private static final long YIELD_EVERY_MASK = 1023;

    /** What the job produced. */
    record Result(List<FileMetadata> outputs, long bytesRead, long bytesWritten, long entriesIn, long entriesOut,
                  long droppedTombstones) {
    }

    CompactionJob(FileSystem fs, Path dir, TableCache tables, TableOptions tableOptions, LongSupplier fileNumbers) {
        this(fs, dir, tables, tableOptions, fileNumbers, null);
    }

    /** With the store owner's {@link CompactionFilter}, or null for none. */
    CompactionJob(FileSystem fs, Path dir, TableCache tables, TableOptions tableOptions, LongSupplier fileNumbers,
                  CompactionFilter filter) {
        this(fs, dir, tables, tableOptions, tableOptions, fileNumbers, filter);
    }

    /** As above, writing the outputs of intra-L0 compactions with {@code l0Options} (flushes' format). */
    CompactionJob(FileSystem fs, Path dir, TableCache tables, TableOptions tableOptions, TableOptions l0Options,
                  LongSupplier fileNumbers, CompactionFilter filter) {
        this.filter = filter;
        this.fs = fs;
        this.dir = dir;
        this.tables = tables;
        this.tableOptions = tableOptions;
        this.l0Options = l0Options;
        this.fileNumbers = fileNumbers;
    }

    /** Lets this job's compactions wait for flushes while {@code mayWait} holds ({@link CoreShare}). */
    void yieldToFlushesWhile(BooleanSupplier mayWait) {
        this.mayWait = mayWait;
    }

    /** One key range of a compaction and its outcome. */
    private final class Subcompaction {
        final byte[] from; // inclusive, null = unbounded
        final byte[] to;   // exclusive, null = unbounded
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<Result> done = new CompletableFuture<>();

        Subcompaction(byte[] from, byte[] to) {
            this.from = from;
            this.to = to;
        }

        void runIfUnclaimed(PickedCompaction c, CompactionOptions options, long[] boundaries,
                            List<RevisionRange> rolledBack, long historyFrom) {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                done.complete(runRange(c, options, from, to, boundaries, rolledBack, historyFrom));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }
    }

    Result run(PickedCompaction c, CompactionOptions options, List<byte[]> splitKeys, long[] boundaries,
               List<RevisionRange> rolledBack, long historyFrom) throws IOException {
        if (splitKeys.isEmpty()) {
            return runRange(c, options, null, null, boundaries, rolledBack, historyFrom);
        }
        List<Subcompaction> subs = new ArrayList<>();
        for (int i = 0; i <= splitKeys.size(); i++) {
            subs.add(new Subcompaction(i == 0 ? null : splitKeys.get(i - 1), i == splitKeys.size() ? null : splitKeys.get(i)));
        }
        for (int i = 1; i < subs.size(); i++) {
            Subcompaction sub = subs.get(i);
            BackgroundPool.submit(BackgroundPool.Priority.COMPACTION, () -> sub.runIfUnclaimed(c, options, boundaries, rolledBack, historyFrom));
        }
        for (Subcompaction sub : subs) {
            sub.runIfUnclaimed(c, options, boundaries, rolledBack, historyFrom);
        }
        List<FileMetadata> outputs = new ArrayList<>();
        long written = 0;
        long in = 0;
        long out = 0;
        long tombstones = 0;
        Throwable failure = null;
        for (Subcompaction sub : subs) {
            try {
                Result r = sub.done.join();
                outputs.addAll(r.outputs());
                written += r.bytesWritten();
                in += r.entriesIn();
                out += r.entriesOut();
                tombstones += r.droppedTombstones();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            }
        }
        if (failure != null) {
            for (FileMetadata f : outputs) {
                deleteQuietly(f.fileNumber());
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("subcompaction failed", failure);
        }
        return new Result(outputs, c.inputBytes(), written, in, out, tombstones);
    }

    private Result runRange(PickedCompaction c, CompactionOptions options, byte[] from, byte[] to, long[] boundaries,
                            List<RevisionRange> rolledBack, long historyFrom) throws IOException {
        List<InternalIterator> inputs = new ArrayList<>();
        if (c.startLevel() == 0) {
            for (FileMetadata f : c.startInputs()) {
                inputs.add(new LevelIterator(tables, List.of(f), false));
            }
        } else {
            inputs.add(new LevelIterator(tables, c.startInputs(), false));
        }
        if (!c.outputLevelInputs().isEmpty()) {
            inputs.add(new LevelIterator(tables, c.outputLevelInputs(), false));
        }
        OutputSplitter splitter = OutputSplitter.forCompaction(c, options);
        List<FileMetadata> outputs = new ArrayList<>();
        TableWriter writer = null;
        long fileNumber = 0;
        boolean done = false;
        try (MergingIterator merged = new MergingIterator(inputs)) {
            InternalIterator input = from == null && to == null ? merged : new RangeIterator(merged, from, to);
            CompactionIterator it = new CompactionIterator(input, boundaries, rolledBack, c.isBottommost(), historyFrom,
                    filter == null ? null : filter.start());
            long entries = 0;
            for (it.seekToFirst(); it.valid(); it.next()) {
                if ((++entries & YIELD_EVERY_MASK) == 0) {
                    CoreShare.JVM.compactionYield(mayWait);
                }
                byte[] key = it.userKey();
                // The splitter never cuts between two versions of one user key.
                if (splitter.shouldSplitBefore(key, writer == null ? 0 : writer.estimatedSizeBytes()) && writer != null) {
                    outputs.add(finish(writer, fileNumber));
                    writer = null;
                }
                if (writer == null) {
                    fileNumber = fileNumbers.getAsLong();
                    Path path = FileNames.table(dir, fileNumber);
                    writer = new TableWriter(path, fs.create(path), c.outputLevel() == 0 ? l0Options : tableOptions);
                }
                writer.add(key, it.trailer(), it.valueArray(), it.valueOffset(), it.valueLength());
            }
            if (writer != null) {
                outputs.add(finish(writer, fileNumber));
                writer = null;
            }
            fs.syncDirectory(dir);
            long written = 0;
            for (FileMetadata f : outputs) {
                written += f.sizeBytes();
            }
            done = true;
            return new Result(outputs, c.inputBytes(), written, it.entriesIn(), it.entriesOut(), it.droppedTombstones());
        } finally {
            if (!done) {
                if (writer != null) {
                    writer.abandon();
                    deleteQuietly(fileNumber);
                }
                for (FileMetadata f : outputs) {
                    deleteQuietly(f.fileNumber());
                }
            }
        }
    }

    private FileMetadata finish(TableWriter writer, long fileNumber) throws IOException {
        return TableFileWriter.metadata(fileNumber, writer.finish());
    }

    private void deleteQuietly(long fileNumber) {
        try {
            fs.delete(FileNames.table(dir, fileNumber));
        } catch (IOException ignored) {
            // swept as an orphan on the next open
        }
    }
}
