package dev.sediment.store;

/**
 * Immutable tuning of leveled compaction and write backpressure. Units are in the names.
 * Build with {@link #builder()} or take {@link #defaults()}; every instance is validated.
 *
 * <p>Invariants: {@code 1 <= l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger},
 * {@code levelSizeMultiplier >= 2}, every byte size {@code > 0},
 * {@code softPendingCompactionBytes <= hardPendingCompactionBytes}, {@code maxSubcompactions >= 1}.
 *
 * @param l0CompactionTrigger        L0 files (not being compacted) that give L0 a score of 1
 * @param l0SlowdownTrigger          L0 files at which writes are slowed down
 * @param l0StopTrigger              L0 files at which writes stop until compaction catches up
 * @param baseLevelTargetBytes       target size of the base level (RocksDB {@code max_bytes_for_level_base})
 * @param levelSizeMultiplier        target growth from one level to the next
 * @param dynamicLevelBytes          derive targets from the bottom level's size (see {@link LevelTargets})
 * @param targetFileSizeBytes        size at which a compaction output file is cut
 * @param maxCompactionBytes         bound on the input bytes of one picked compaction
 * @param maxGrandparentOverlapBytes bound on the grandparent bytes one output file may overlap, and
 *                                   the largest grandparent overlap a trivial move may carry
 * @param softPendingCompactionBytes estimated compaction debt at which writes are slowed down
 * @param hardPendingCompactionBytes estimated compaction debt at which writes stop
 * @param maxSubcompactions          parallel key ranges one compaction may be split into
 * @param tombstoneDensityTrigger    a table whose tombstones are at least this fraction of its entries is
 *                                   marked for compaction (RocksDB's CompactOnDeletionCollector idea,
 *                                   for queue-like keyspaces); 0 disables marking
 * @param cutPrefixBytes             a compaction output never holds two keys whose first this many bytes
 *                                   differ (0: no such cut): time-segmented stores put the segment there,
 *                                   so every table below L0 holds one segment and expired segments are
 *                                   dropped as whole tables ({@link dev.sediment.store.Store#dropRange})
 */
public record CompactionOptions(int l0CompactionTrigger, int l0SlowdownTrigger, int l0StopTrigger,
                                long baseLevelTargetBytes, int levelSizeMultiplier, boolean dynamicLevelBytes,
                                long targetFileSizeBytes, long maxCompactionBytes, long maxGrandparentOverlapBytes,
                                long softPendingCompactionBytes, long hardPendingCompactionBytes,
                                int maxSubcompactions, double tombstoneDensityTrigger, int cutPrefixBytes) {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static final CompactionOptions DEFAULTS = builder().build();

    public CompactionOptions {
        if (l0CompactionTrigger < 1) {
            throw new IllegalArgumentException("l0CompactionTrigger " + l0CompactionTrigger + " < 1");
        }
        if (l0SlowdownTrigger < l0CompactionTrigger) {
            throw new IllegalArgumentException("l0SlowdownTrigger " + l0SlowdownTrigger
                    + " < l0CompactionTrigger " + l0CompactionTrigger);
        }
        if (l0StopTrigger < l0SlowdownTrigger) {
            throw new IllegalArgumentException("l0StopTrigger " + l0StopTrigger
                    + " < l0SlowdownTrigger " + l0SlowdownTrigger);
        }
        if (levelSizeMultiplier < 2) {
            throw new IllegalArgumentException("levelSizeMultiplier " + levelSizeMultiplier + " < 2");
        }
        requirePositive("baseLevelTargetBytes", baseLevelTargetBytes);
        requirePositive("targetFileSizeBytes", targetFileSizeBytes);
        requirePositive("maxCompactionBytes", maxCompactionBytes);
        requirePositive("maxGrandparentOverlapBytes", maxGrandparentOverlapBytes);
        requirePositive("softPendingCompactionBytes", softPendingCompactionBytes);
        requirePositive("hardPendingCompactionBytes", hardPendingCompactionBytes);
        if (softPendingCompactionBytes > hardPendingCompactionBytes) {
            throw new IllegalArgumentException("softPendingCompactionBytes " + softPendingCompactionBytes
                    + " > hardPendingCompactionBytes " + hardPendingCompactionBytes);
        }
        if (maxSubcompactions < 1) {
            throw new IllegalArgumentException("maxSubcompactions " + maxSubcompactions + " < 1");
        }
        if (cutPrefixBytes < 0) {
            throw new IllegalArgumentException("cutPrefixBytes " + cutPrefixBytes + " < 0");
        }
        if (!(tombstoneDensityTrigger >= 0 && tombstoneDensityTrigger <= 1)) {
            throw new IllegalArgumentException("tombstoneDensityTrigger " + tombstoneDensityTrigger + " outside [0, 1]");
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " <= 0");
        }
    }

    public static CompactionOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.l0CompactionTrigger = l0CompactionTrigger;
        b.l0SlowdownTrigger = l0SlowdownTrigger;
        b.l0StopTrigger = l0StopTrigger;
        b.baseLevelTargetBytes = baseLevelTargetBytes;
        b.levelSizeMultiplier = levelSizeMultiplier;
        b.dynamicLevelBytes = dynamicLevelBytes;
        b.targetFileSizeBytes = targetFileSizeBytes;
        b.maxCompactionBytes = maxCompactionBytes;
        b.maxGrandparentOverlapBytes = maxGrandparentOverlapBytes;
        b.softPendingCompactionBytes = softPendingCompactionBytes;
        b.hardPendingCompactionBytes = hardPendingCompactionBytes;
        b.maxSubcompactions = maxSubcompactions;
        b.tombstoneDensityTrigger = tombstoneDensityTrigger;
        b.cutPrefixBytes = cutPrefixBytes;
        return b;
    }

    /**
     * Mutable builder. {@code maxCompactionBytes} and {@code maxGrandparentOverlapBytes} follow the
     * target file size (25× and 10×, as in RocksDB) unless set explicitly.
     */
    public static final class Builder {
        private int l0CompactionTrigger = 4;
        private int l0SlowdownTrigger = 20;
        private int l0StopTrigger = 36;
        // 64 MiB, not RocksDB's 256 MiB: Lbase should hold about what L0 holds at its trigger, and that
        // is 4 files x 16 MiB memtables (Kafka Streams' write buffer size) in our small containers.
        private long baseLevelTargetBytes = 64 * MIB;
        private int levelSizeMultiplier = 10;
        private boolean dynamicLevelBytes = true;
        private long targetFileSizeBytes = 64 * MIB;
        private long maxCompactionBytes = -1;          // -1: 25 x targetFileSizeBytes
        private long maxGrandparentOverlapBytes = -1;  // -1: 10 x targetFileSizeBytes
        // A quarter of RocksDB's 64/256 GiB: our stores live in small containers with small disks, and
        // debt that large means compaction cannot keep up long before the disk is the limit.
        private long softPendingCompactionBytes = 16 * GIB;
        private long hardPendingCompactionBytes = 64 * GIB;
        // 1: the target is 2-core machines whose pool also runs flushes; 2 is the sensible maximum there.
        private int maxSubcompactions = 1;
        // Half the entries deleted: the table mostly hides data below it, and a queue-like keyspace
        // (Kafka's suppression buffers, session and window stores) would otherwise keep it forever.
        private double tombstoneDensityTrigger = 0.5;
        private int cutPrefixBytes = 0;

        private Builder() {
        }

        public Builder l0CompactionTrigger(int files) {
            this.l0CompactionTrigger = files;
            return this;
        }

        public Builder l0SlowdownTrigger(int files) {
            this.l0SlowdownTrigger = files;
            return this;
        }

        public Builder l0StopTrigger(int files) {
            this.l0StopTrigger = files;
            return this;
        }

        public Builder baseLevelTargetBytes(long bytes) {
            this.baseLevelTargetBytes = bytes;
            return this;
        }

        public Builder levelSizeMultiplier(int multiplier) {
            this.levelSizeMultiplier = multiplier;
            return this;
        }

        public Builder dynamicLevelBytes(boolean dynamic) {
            this.dynamicLevelBytes = dynamic;
            return this;
        }

        public Builder targetFileSizeBytes(long bytes) {
            this.targetFileSizeBytes = bytes;
            return this;
        }

        public Builder maxCompactionBytes(long bytes) {
            this.maxCompactionBytes = bytes;
            return this;
        }

        public Builder maxGrandparentOverlapBytes(long bytes) {
            this.maxGrandparentOverlapBytes = bytes;
            return this;
        }

        public Builder softPendingCompactionBytes(long bytes) {
            this.softPendingCompactionBytes = bytes;
            return this;
        }

        public Builder hardPendingCompactionBytes(long bytes) {
            this.hardPendingCompactionBytes = bytes;
            return this;
        }

        public Builder maxSubcompactions(int count) {
            this.maxSubcompactions = count;
            return this;
        }

        public Builder tombstoneDensityTrigger(double fraction) {
            this.tombstoneDensityTrigger = fraction;
            return this;
        }

        public Builder cutPrefixBytes(int bytes) {
            this.cutPrefixBytes = bytes;
            return this;
        }

        public CompactionOptions build() {
            long target = targetFileSizeBytes;
            long maxCompaction = maxCompactionBytes >= 0 ? maxCompactionBytes : saturatingMultiply(target, 25);
            long maxGrandparent = maxGrandparentOverlapBytes >= 0
                    ? maxGrandparentOverlapBytes : saturatingMultiply(target, 10);
            return new CompactionOptions(l0CompactionTrigger, l0SlowdownTrigger, l0StopTrigger,
                    baseLevelTargetBytes, levelSizeMultiplier, dynamicLevelBytes, target, maxCompaction,
                    maxGrandparent, softPendingCompactionBytes, hardPendingCompactionBytes, maxSubcompactions,
                    tombstoneDensityTrigger, cutPrefixBytes);
        }

        private static long saturatingMultiply(long a, long b) {
            long hi = Math.multiplyHigh(a, b);
            long lo = a * b;
            return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
        }
    }
}
