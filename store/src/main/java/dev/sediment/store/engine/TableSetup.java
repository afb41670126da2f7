package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.sstable.TableOptions;

import java.nio.file.Path;

/** The caches and table formats a store's files are read and written with. */
final class TableSetup {
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
                options.bloomBitsPerKey(), options.compression(), 1);
        // L0 uncompressed (see StoreOptions.compression): measured, fill +20-45% and restore +10-25% for
        // 40% more bytes written during a fill.
        l0Options = new TableOptions(options.blockSizeBytes(), options.blockRestartInterval(),
                options.bloomBitsPerKey(), Compression.NONE, 1);
    }
}
