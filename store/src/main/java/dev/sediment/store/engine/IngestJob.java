package dev.sediment.store.engine;

import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.sstable.TableOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a batch straight into a new L0 table, bypassing the memtable: the bulk path for restores. The
 * operations are sorted by key; of several on one key only the last is kept (the batch is atomic, so no
 * reader could see the others). Operation {@code i} keeps revision {@code firstRevision + i}, as
 * {@link dev.sediment.store.Store#write} would assign it. The file is synced like a flush's. Runs once.
 */
final class IngestJob {
    private static final byte[] EMPTY = new byte[0];

    private final FileSystem fs;
    private final Path dir;
    private final TableOptions tableOptions;

    IngestJob(FileSystem fs, Path dir, TableOptions tableOptions) {
        this.fs = fs;
        this.dir = dir;
        this.tableOptions = tableOptions;
    }

    /** REQUIRES: {@code ops} not empty. */
    FileMetadata run(List<WriteBatch.Op> ops, long firstRevision, long fileNumber) throws IOException {
        byte[][] keys = new byte[ops.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ops.get(i).key();
        }
        int[] order = IngestOrder.of(keys);
        return TableFileWriter.write(fs, dir, fileNumber, tableOptions, writer -> {
            for (int i : order) {
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
}
