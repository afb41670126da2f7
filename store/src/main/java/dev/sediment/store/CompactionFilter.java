package dev.sediment.store;

/**
 * Lets the owner of a store drop live entries that no read can see any more, during compaction (RocksDB's
 * compaction filter; a versioned store drops versions older than its history retention with it). The engine
 * offers each user key's newest version in a compaction, in key order; a key the filter drops goes with all
 * its older versions in that compaction. Tombstones are never offered.
 *
 * <p>What a filter may drop: only entries whose absence no reader can notice, now or after a reopen at the
 * recovery point, because compaction output replaces its inputs for every reader (snapshots taken before
 * keep their files). A compaction sees only its inputs: a key's other versions, or neighbouring keys, may lie
 * in other files, so a decision must be safe whatever is not seen.
 */
@FunctionalInterface
public interface CompactionFilter {
    /** A filter for one (sub)compaction; called on a background thread, one run per thread. */
    Run start();

    /** The decisions of one (sub)compaction: {@link #drop} is called in ascending key order. */
    @FunctionalInterface
    interface Run {
        /** Whether to drop {@code userKey}, whose newest version in this compaction is {@code value}. */
        boolean drop(byte[] userKey, byte[] value);
    }
}
