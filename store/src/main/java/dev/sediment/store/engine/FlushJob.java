package dev.sediment.store.engine;

import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.memtable.MemTableScan;
import dev.sediment.store.sstable.TableOptions;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one frozen memtable into a new L0 table, with {@link dev.sediment.store.StoreOptions#cacheFlushedBlocks}
 * its data blocks also into the block cache (RocksDB's {@code prepopulate_block_cache = kFlushOnly}), and makes
 * the file durable (file sync, then directory
 * sync, so the manifest never names a file that a crash could lose). On failure the partial file is
 * deleted and the memtable stays frozen; the caller retries later. Runs once.
 */
final class FlushJob {
    private final FileSystem fs;
    private final Path dir;
    private final TableOptions tableOptions;
    /** The store's open tables, which cache the blocks for the new table's reader; null for no cache filling (the default). */
    private final TableCache tables;

    FlushJob(FileSystem fs, Path dir, TableOptions tableOptions, TableCache tables) {
        this.fs = fs;
        this.dir = dir;
        this.tableOptions = tableOptions;
        this.tables = tables;
    }

    /** Writes {@code mem} as table {@code fileNumber}. REQUIRES: {@code mem} is frozen and not empty. */
    FileMetadata run(MemTable mem, long fileNumber) throws IOException {
        return TableFileWriter.write(fs, dir, fileNumber, tableOptions, tables, writer -> {
            MemTableScan scan = mem.scan();
            while (scan.advance()) {
                writer.add(scan.userKey(), scan.trailer(), scan.valueArray(), scan.valueOffset(), scan.valueLength());
            }
        });
    }
}
