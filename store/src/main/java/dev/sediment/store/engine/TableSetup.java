package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.sstable.TableOptions;

import java.nio.file.Path;

/** The caches and table formats a store's files are read and written with. */
final class TableSetup {
    /**
     * zstd's first fast level for compaction outputs. Measured (3M random keys, 100-byte half-random
     * values, thread CPU of compactions): 6.7-7.4 ms CPU per MiB read against 9.1-11.6 at level 1, the
     * same bytes on disk; zstd alone compresses such 4 KiB blocks at 1.2 ms per MiB against 2.4 at level 1,
     * to 0.591 of their size either way. Any level reads back: the frames say how they were made.
     */
    static final int COMPACTION_ZSTD_LEVEL = -1;

    final BlockCache blockCache;
    final TableCache tableCache;
    final TableOptions tableOptions;
    final TableOptions l0Options;

    TableSetup(StoreOptions options, Path dir) {
        blockCache = options.runtime() != null ? options.runtime().blockCache()
                : new BlockCache(options.blockCacheSizeBytes());
        tableCache = new TableCache(options.fileSystem(), dir, blockCache, options.maxOpenFiles(),
                options.runtime() == null ? null : options.runtime().openTableBudget());
        tableOptions = new TableOptions(options.blockSizeBytes(), options.blockRestartInterval(),
                options.bloomBitsPerKey(), options.compression(), COMPACTION_ZSTD_LEVEL);
        // L0 uncompressed (see StoreOptions.compression): measured, fill +20-45% and restore +10-25% for
        // 40% more bytes written during a fill.
        l0Options = new TableOptions(options.blockSizeBytes(), options.blockRestartInterval(),
                options.bloomBitsPerKey(), Compression.NONE, 1);
    }
}
