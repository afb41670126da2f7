package dev.sediment.store.engine;

import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.sstable.TableOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Writes a batch straight into new L0 tables, bypassing the memtable: the bulk path for restores. The
 * operations are sorted by key; of several on one key only the last is kept (the batch is atomic, so no
 * reader could see the others). Operation {@code i} keeps revision {@code firstRevision + i}, as
 * {@link dev.sediment.store.Store#write} would assign it. A batch of at least {@code 2 * minPartBytes} is cut
 * by key into two tables written in parallel (they do not overlap, so L0 may hold both; every version of
 * a key is in one of them). The files are synced like a flush's. Runs once.
 */
final class IngestJob {
    private static final byte[] EMPTY = new byte[0];
    private static final ExecutorService PARTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sediment-ingest");
        t.setDaemon(true);
        return t;
    });

    private final FileSystem fs;
    private final Path dir;
    private final TableOptions tableOptions;
    private final long minPartBytes;

    IngestJob(FileSystem fs, Path dir, TableOptions tableOptions, long minPartBytes) {
        this.fs = fs;
        this.dir = dir;
        this.tableOptions = tableOptions;
        this.minPartBytes = minPartBytes;
    }

    /** REQUIRES: {@code batch} not empty. Returns the tables written, all synced. */
    List<FileMetadata> run(WriteBatch batch, long firstRevision, LongSupplier newFileNumber) throws IOException {
        List<WriteBatch.Op> ops = batch.ops();
        long approximateBytes = batch.approximateBytes();
        int[] order = batch.keyOrder(); // already sorted if the caller asked for it first
        if (approximateBytes < 2 * minPartBytes || order.length < 2) {
            return List.of(write(ops, order, 0, order.length, firstRevision, newFileNumber.getAsLong()));
        }
        int cut = order.length / 2;
        long secondFile = newFileNumber.getAsLong();
        long firstFile = newFileNumber.getAsLong();
        Future<FileMetadata> second = PARTS.submit(() -> write(ops, order, cut, order.length, firstRevision, secondFile));
        FileMetadata first;
        try {
            first = write(ops, order, 0, cut, firstRevision, firstFile);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(await(second, e));
            throw e;
        }
        try {
            return List.of(first, await(second, null));
        } catch (IOException e) {
            deleteQuietly(first);
            throw e;
        }
    }

    private FileMetadata write(List<WriteBatch.Op> ops, int[] order, int from, int to, long firstRevision,
                               long fileNumber) throws IOException {
        return TableFileWriter.write(fs, dir, fileNumber, tableOptions, writer -> {
            for (int k = from; k < to; k++) {
                int i = order[k];
                WriteBatch.Op op = ops.get(i);
                long revision = firstRevision + i;
                if (op.isDelete()) {
                    writer.add(op.key(), InternalKeys.trailer(revision, KeyKind.DELETE), EMPTY);
                } else {
                    writer.add(op.key(), InternalKeys.trailer(revision, KeyKind.PUT), op.value());
                }
            }
        });
    }

    /**
     * The part written on the other thread, or null if it failed; a failure is added to {@code primary}
     * as suppressed if given, else rethrown as the cause of an IOException.
     */
    private FileMetadata await(Future<FileMetadata> part, Throwable primary) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return part.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the part is being written into this store's directory: wait for it
                } catch (ExecutionException e) {
                    if (primary != null) {
                        primary.addSuppressed(e.getCause());
                        return null;
                    }
                    throw new IOException("cannot write an ingested table in " + dir, e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deleteQuietly(FileMetadata table) {
        if (table != null) {
            try {
                fs.delete(FileNames.table(dir, table.fileNumber()));
            } catch (IOException ignored) {
                // swept as an orphan on the next open
            }
        }
    }
}
