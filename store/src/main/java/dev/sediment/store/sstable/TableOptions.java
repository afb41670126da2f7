package dev.sediment.store.sstable;

import dev.sediment.store.Compression;

/**
 * How a table is written. Immutable.
 *
 * @param blockSizeBytes   target uncompressed size of a data block (a block is cut once it reaches this)
 * @param restartInterval  keys between restart points in a data block (1 = no prefix sharing)
 * @param bloomBitsPerKey  bloom filter bits per key; 0 = no filter (≈10 gives ≈1% false positives)
 * @param compression      block compression; ZSTD falls back to NONE (one warning) if zstd-jni cannot load
 * @param zstdLevel        zstd level when compressing
 */
public record TableOptions(int blockSizeBytes, int restartInterval, int bloomBitsPerKey, Compression compression,
                           int zstdLevel) {
    public TableOptions {
        if (blockSizeBytes < 1) {
            throw new IllegalArgumentException("blockSizeBytes must be >= 1: " + blockSizeBytes);
        }
        if (restartInterval < 1) {
            throw new IllegalArgumentException("restartInterval must be >= 1: " + restartInterval);
        }
        if (bloomBitsPerKey < 0 || bloomBitsPerKey > 64) {
            throw new IllegalArgumentException("bloomBitsPerKey must be in [0, 64]: " + bloomBitsPerKey);
        }
        if (compression == null) {
            throw new NullPointerException("compression");
        }
    }

    public static TableOptions defaults() {
        return new TableOptions(4096, 16, 10, Compression.ZSTD, 1);
    }
}
