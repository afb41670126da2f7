package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;

import java.util.Arrays;

/**
 * Where a {@link TableWriter} puts the data blocks it writes, uncompressed, under the table id the table's
 * reader will be opened with ({@link TableReader#open(java.nio.file.Path, dev.sediment.store.fs.ReadableFile,
 * BlockCache, long)}): RocksDB's {@code prepopulate_block_cache}, for flushes when
 * {@code StoreOptions.cacheFlushedBlocks} is on (off by default: on the benchmark it did not raise the hit rate
 * of gets after a write burst, and every block it cached was a young object the garbage collector copied).
 * The cache's capacity bounds it as usual: a block that does not fit is not cached.
 */
public final class CacheFill {
    private final BlockCache cache;
    private final long tableId;

    /** @param tableId a fresh id from {@link BlockCache#newTableId()}, used for this table only */
    public CacheFill(BlockCache cache, long tableId) {
        this.cache = cache;
        this.tableId = tableId;
    }

    public long tableId() {
        return tableId;
    }

    /** A data block of the table was written at {@code offset}; {@code raw[0, len)} is its uncompressed form. */
    void written(long offset, byte[] raw, int len) {
        cache.put(tableId, offset, Arrays.copyOf(raw, len));
    }

    /** The table will not be used: drops what was cached of it. */
    public void abandoned() {
        cache.evictTable(tableId);
    }
}
