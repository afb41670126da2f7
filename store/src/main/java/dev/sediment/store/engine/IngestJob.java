package dev.sediment.store.engine;

import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.sstable.TableOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a batch straight into a new L0 table, bypassing the memtable: the bulk path for restores. The
 * operations are sorted by key; of several on one key only the last is kept (the batch is atomic, so no
 * reader could see the others). Operation {@code i} keeps revision {@code firstRevision + i}, as
 * {@link dev.sediment.store.Store#write} would assign it. The file is synced like a flush's. Runs once.
 */
final class IngestJob {
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
        Integer[] order = new Integer[ops.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // By key, and for one key the latest operation first (a stable order is not enough: we keep the last).
        Arrays.sort(order, (a, b) -> {
            int c = InternalKeys.compareUserKeys(ops.get(a).key(), ops.get(b).key());
            return c != 0 ? c : Integer.compare(b, a);
        });
        return TableFileWriter.write(fs, dir, fileNumber, tableOptions, writer -> {
            byte[] previous = null;
            for (int i : order) {
                WriteBatch.Op op = ops.get(i);
                if (previous != null && InternalKeys.compareUserKeys(previous, op.key()) == 0) {
                    continue; // superseded within the batch
                }
                previous = op.key();
                long revision = firstRevision + i;
                if (op.isDelete()) {
                    writer.add(op.key(), InternalKeys.trailer(revision, KeyKind.DELETE), new byte[0]);
                } else {
                    writer.add(op.key(), InternalKeys.trailer(revision, KeyKind.PUT), op.value());
                }
            }
        });
    }
}
