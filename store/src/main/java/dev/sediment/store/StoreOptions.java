package dev.sediment.store;

import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileSystem;

import java.time.Clock;
import java.util.Objects;

/**
 * How a store is opened and tuned. Immutable; build with {@link #builder()}, start from
 * {@link #defaults()}. Units are in the names.
 *
 * @param fileSystem            where files live (the disk by default; in-memory and fault-injecting ones for tests)
 * @param createIfMissing       create an empty store if the directory holds none
 * @param memtableSizeBytes     a memtable is frozen and flushed once it holds this much (16 MiB, as Kafka Streams' RocksDB)
 * @param maxImmutableMemtables frozen memtables waiting for flush before writers stall (2)
 * @param blockSizeBytes        target uncompressed SSTable data block size (4 KiB)
 * @param blockRestartInterval  keys between restart points in a data block (16)
 * @param bloomBitsPerKey       bloom filter bits per key, 0 for none (10, ≈1% false positives)
 * @param compression           block compression of compaction outputs, L1 and below (ZSTD, native code through
 *                              zstd-jni, falling back to NONE if it cannot load; LZ4 is pure Java). L0 tables (flushes, ingests) are always written
 *                              uncompressed: their first compaction rewrites them soon, so compressing them
 *                              would cost write-path CPU for bytes that live briefly (RocksDB's usual
 *                              per-level choice)
 * @param blockCacheSizeBytes   uncompressed data blocks cached in memory (32 MiB)
 * @param maxOpenFiles          SSTables kept open at once (500)
 * @param maxManifestBytes      the manifest is rotated (rewritten as one snapshot) past this size (4 MiB)
 * @param maxKeySizeBytes       largest key accepted (64 KiB)
 * @param maxValueSizeBytes     largest value accepted (64 MiB)
 * @param compaction            leveled compaction tuning and write-stall thresholds ({@link CompactionOptions#defaults()})
 * @param revisions             history retention, the age guard and bounded replay ({@link RevisionOptions#defaults()})
 * @param clock                 wall time of commit points and retention ages (the system clock; a fixed one in tests)
 * @param runtime               resources shared with other stores, or null (the default) for a store of its own:
 *                              with one, its block cache replaces {@code blockCacheSizeBytes} and its memtable
 *                              budget bounds this store's memtables together with the others'
 * @param format                the value format the user keeps in the store ({@code ""}, the default, for
 *                              none): opaque to the engine, recorded in the manifest when the store is created
 *                              (or first opened with one), and an open naming another non-empty format throws
 *                              {@link StoreFormatMismatchException}
 * @param compactionFilter      drops live entries no read can see any more during compaction (see its contract),
 *                              or null (the default) for none
 * @param cacheFlushedBlocks    whether a flush also puts every data block it writes into the block cache (false;
 *                              RocksDB's {@code prepopulate_block_cache}, off there too). Measured on the benchmark
 *                              at 1M keys: it left the hit rate of gets after a write burst where it was (24-25%)
 *                              while each cached block was one more young object for G1 to copy (GC CPU in the fill
 *                              279 -> 49 ms without it; fill +28%, putAll +22%, overwrite +22%)
 */
public record StoreOptions(FileSystem fileSystem, boolean createIfMissing, long memtableSizeBytes,
                           int maxImmutableMemtables, int blockSizeBytes, int blockRestartInterval,
                           int bloomBitsPerKey, Compression compression, long blockCacheSizeBytes,
                           int maxOpenFiles, long maxManifestBytes, int maxKeySizeBytes, int maxValueSizeBytes,
                           CompactionOptions compaction, RevisionOptions revisions, Clock clock,
                           StoreRuntime runtime, String format, CompactionFilter compactionFilter,
                           boolean cacheFlushedBlocks) {

    public StoreOptions {
        Objects.requireNonNull(fileSystem, "fileSystem");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(compaction, "compaction");
        Objects.requireNonNull(revisions, "revisions");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(format, "format");
        positive("memtableSizeBytes", memtableSizeBytes);
        positive("maxImmutableMemtables", maxImmutableMemtables);
        positive("blockSizeBytes", blockSizeBytes);
        positive("blockRestartInterval", blockRestartInterval);
        if (bloomBitsPerKey < 0 || bloomBitsPerKey > 64) {
            throw new IllegalArgumentException("bloomBitsPerKey must be in [0, 64]: " + bloomBitsPerKey);
        }
        if (blockCacheSizeBytes < 0) {
            throw new IllegalArgumentException("blockCacheSizeBytes must be >= 0: " + blockCacheSizeBytes);
        }
        if (maxOpenFiles < 2) {
            throw new IllegalArgumentException("maxOpenFiles must be >= 2: " + maxOpenFiles);
        }
        positive("maxManifestBytes", maxManifestBytes);
        positive("maxKeySizeBytes", maxKeySizeBytes);
        if (maxValueSizeBytes < 0) {
            throw new IllegalArgumentException("maxValueSizeBytes must be >= 0: " + maxValueSizeBytes);
        }
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + v);
        }
    }

    public static StoreOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** These options with the value format {@code format} ({@code ""} for none). */
    public StoreOptions withFormat(String format) {
        return toBuilder().format(format).build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fileSystem = fileSystem;
        b.createIfMissing = createIfMissing;
        b.memtableSizeBytes = memtableSizeBytes;
        b.maxImmutableMemtables = maxImmutableMemtables;
        b.blockSizeBytes = blockSizeBytes;
        b.blockRestartInterval = blockRestartInterval;
        b.bloomBitsPerKey = bloomBitsPerKey;
        b.compression = compression;
        b.blockCacheSizeBytes = blockCacheSizeBytes;
        b.maxOpenFiles = maxOpenFiles;
        b.maxManifestBytes = maxManifestBytes;
        b.maxKeySizeBytes = maxKeySizeBytes;
        b.maxValueSizeBytes = maxValueSizeBytes;
        b.compaction = compaction;
        b.revisions = revisions;
        b.clock = clock;
        b.runtime = runtime;
        b.format = format;
        b.compactionFilter = compactionFilter;
        b.cacheFlushedBlocks = cacheFlushedBlocks;
        return b;
    }

    /** Builds {@link StoreOptions}; every field starts at its documented default. */
    public static final class Builder {
        private FileSystem fileSystem = DiskFileSystem.instance();
        private boolean createIfMissing = true;
        private long memtableSizeBytes = 16L << 20;
        private int maxImmutableMemtables = 2;
        private int blockSizeBytes = 4096;
        private int blockRestartInterval = 16;
        private int bloomBitsPerKey = 10;
        private Compression compression = Compression.ZSTD;
        private long blockCacheSizeBytes = 32L << 20;
        private int maxOpenFiles = 500;
        private long maxManifestBytes = 4L << 20;
        private int maxKeySizeBytes = 64 << 10;
        private int maxValueSizeBytes = 64 << 20;
        private CompactionOptions compaction = CompactionOptions.defaults();
        private RevisionOptions revisions = RevisionOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private StoreRuntime runtime;
        private String format = "";
        private CompactionFilter compactionFilter;
        private boolean cacheFlushedBlocks;

        private Builder() {
        }

        public Builder fileSystem(FileSystem v) {
            fileSystem = v;
            return this;
        }

        public Builder createIfMissing(boolean v) {
            createIfMissing = v;
            return this;
        }

        public Builder memtableSizeBytes(long v) {
            memtableSizeBytes = v;
            return this;
        }

        public Builder maxImmutableMemtables(int v) {
            maxImmutableMemtables = v;
            return this;
        }

        public Builder blockSizeBytes(int v) {
            blockSizeBytes = v;
            return this;
        }

        public Builder blockRestartInterval(int v) {
            blockRestartInterval = v;
            return this;
        }

        public Builder bloomBitsPerKey(int v) {
            bloomBitsPerKey = v;
            return this;
        }

        public Builder compression(Compression v) {
            compression = v;
            return this;
        }

        public Builder blockCacheSizeBytes(long v) {
            blockCacheSizeBytes = v;
            return this;
        }

        public Builder maxOpenFiles(int v) {
            maxOpenFiles = v;
            return this;
        }

        public Builder maxManifestBytes(long v) {
            maxManifestBytes = v;
            return this;
        }

        public Builder maxKeySizeBytes(int v) {
            maxKeySizeBytes = v;
            return this;
        }

        public Builder maxValueSizeBytes(int v) {
            maxValueSizeBytes = v;
            return this;
        }

        public Builder compaction(CompactionOptions v) {
            compaction = v;
            return this;
        }

        public Builder revisions(RevisionOptions v) {
            revisions = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /** Shares {@code v}'s block cache and memtable budget with other stores; null for none. */
        public Builder runtime(StoreRuntime v) {
            runtime = v;
            return this;
        }

        /** The value format recorded in and checked against the store's manifest; {@code ""} for none. */
        public Builder format(String v) {
            format = v;
            return this;
        }

        /** Drops live entries no read can see any more during compaction; null for none. */
        public Builder compactionFilter(CompactionFilter v) {
            compactionFilter = v;
            return this;
        }

        /** Whether flushes put the blocks they write into the block cache (false). */
        public Builder cacheFlushedBlocks(boolean v) {
            cacheFlushedBlocks = v;
            return this;
        }

        public StoreOptions build() {
            return new StoreOptions(fileSystem, createIfMissing, memtableSizeBytes, maxImmutableMemtables,
                    blockSizeBytes, blockRestartInterval, bloomBitsPerKey, compression, blockCacheSizeBytes,
                    maxOpenFiles, maxManifestBytes, maxKeySizeBytes, maxValueSizeBytes, compaction,
                    revisions, clock, runtime, format, compactionFilter, cacheFlushedBlocks);
        }
    }
}
