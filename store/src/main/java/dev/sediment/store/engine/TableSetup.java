package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.sstable.TableOptions;

import java.nio.file.Path;

/** The caches and table formats a store's files are read and written with. */
final class TableSetup {
    /**
     * zstd's third fast level for compaction outputs. Measured: level -1 cost 6.7-7.4 ms of compaction CPU per
     * MiB read against 9.1-11.6 at level 1, for the same bytes on disk. Level -3 cuts CompactionBench (a 20K-entry
     * table merged into a 180K one, bench-shaped entries) from 342 to 297 ns per entry for 2% more output bytes;
     * at 10M keys (median of three interleaved runs) fill +15%, putAll +8%, background CPU per MB compacted in the
     * fill -10%, bytes written -1% (within noise). Levels below -3 save little more and store 6-8% more. Any
     * level reads back: the frames say how they were made.
     */
    static final int COMPACTION_ZSTD_LEVEL = -3;

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
