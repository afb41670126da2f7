package dev.sediment.store.engine;

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
import dev.sediment.store.sstable.TableProperties;
import dev.sediment.store.sstable.TableWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Executes one picked (non-trivial) compaction: merges its inputs, applies the MVCC drop rules
 * ({@link CompactionIterator}), and writes output tables cut by {@link OutputSplitter}, never between two
 * versions of one user key. A transaction (goleveldb): the outputs are durable (file and directory
 * synced) before the caller logs the edit that makes them live; on any failure every output written so
 * far is deleted and nothing changes. Runs once.
 */
final class CompactionJob {
    private final FileSystem fs;
    private final Path dir;
    private final TableCache tables;
    private final TableOptions tableOptions;
    private final LongSupplier fileNumbers;

    /** What the job produced. */
    record Result(List<FileMetadata> outputs, long bytesRead, long bytesWritten, long entriesIn, long entriesOut,
                  long droppedTombstones) {
    }

    CompactionJob(FileSystem fs, Path dir, TableCache tables, TableOptions tableOptions, LongSupplier fileNumbers) {
        this.fs = fs;
        this.dir = dir;
        this.tables = tables;
        this.tableOptions = tableOptions;
        this.fileNumbers = fileNumbers;
    }

    Result run(PickedCompaction c, OutputSplitter splitter, long[] boundaries, List<RevisionRange> rolledBack)
            throws IOException {
        List<InternalIterator> inputs = new ArrayList<>();
        if (c.startLevel() == 0) {
            for (FileMetadata f : c.startInputs()) {
                inputs.add(new LevelIterator(tables, List.of(f)));
            }
        } else {
            inputs.add(new LevelIterator(tables, c.startInputs()));
        }
        if (!c.outputLevelInputs().isEmpty()) {
            inputs.add(new LevelIterator(tables, c.outputLevelInputs()));
        }
        long bytesRead = c.inputBytes();
        List<FileMetadata> outputs = new ArrayList<>();
        TableWriter writer = null;
        long fileNumber = 0;
        boolean done = false;
        try (MergingIterator merged = new MergingIterator(inputs)) {
            CompactionIterator it = new CompactionIterator(merged, boundaries, rolledBack, c.isBottommost());
            for (it.seekToFirst(); it.valid(); it.next()) {
                byte[] key = it.userKey();
                // The splitter never cuts between two versions of one user key.
                if (splitter.shouldSplitBefore(key, writer == null ? 0 : writer.estimatedSizeBytes()) && writer != null) {
                    outputs.add(finish(writer, fileNumber));
                    writer = null;
                }
                if (writer == null) {
                    fileNumber = fileNumbers.getAsLong();
                    Path path = FileNames.table(dir, fileNumber);
                    writer = new TableWriter(path, fs.create(path), tableOptions);
                }
                writer.add(key, it.trailer(), it.value());
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
            return new Result(outputs, bytesRead, written, it.entriesIn(), it.entriesOut(), it.droppedTombstones());
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
        TableProperties p = writer.finish();
        return new FileMetadata(fileNumber, p.fileSizeBytes(), p.smallestKey(), p.smallestTrailer(), p.largestKey(),
                p.largestTrailer(), p.minRevision(), p.maxRevision(), p.entries(), p.tombstones());
    }

    private void deleteQuietly(long fileNumber) {
        try {
            fs.delete(FileNames.table(dir, fileNumber));
        } catch (IOException ignored) {
            // swept as an orphan on the next open
        }
    }
}
