package dev.sediment.store;

import java.util.List;

/**
 * A point-in-time view of what the store holds and has done. Immutable.
 *
 * @param lastRevision          the last revision assigned
 * @param memtableBytes         bytes in the active and frozen memtables
 * @param immutableMemtables    frozen memtables waiting for flush
 * @param levelFiles            SSTables per level
 * @param levelBytes            SSTable bytes per level
 * @param liveSstBytes          bytes of all live SSTables
 * @param approximateEntries    estimated live keys, as RocksDB's {@code estimate-num-keys}: SSTable entries minus
 *                              twice their tombstones (each hides one version), plus per memtable its distinct
 *                              keys whose newest entry is a put, minus deletes of keys it does not hold; at
 *                              least 0. Exact once compaction has merged every version of a key; overwrites
 *                              still spread over several tables count once per table
 * @param flushes               memtable flushes completed since open
 * @param flushedBytes          SSTable bytes written by flushes since open
 * @param writeStalls           times a writer waited for a flush since open
 * @param writeStallMillis      total time writers waited
 * @param blockCacheHits        block cache hits
 * @param blockCacheMisses      block cache misses
 * @param blockCacheBytes       bytes held by the block cache
 * @param openTables            SSTables open in the table cache
 * @param compactions           compactions completed since open (trivial moves excluded)
 * @param compactionBytesRead   bytes read by compactions since open
 * @param compactionBytesWritten bytes written by compactions since open
 * @param writeAmplification    SSTable bytes written (flushes and compactions) / bytes flushed, since open
 * @param pendingCompactionBytes estimated bytes compaction must still rewrite to bring every level under target
 * @param stallReason           why writers are being slowed or stopped now, or empty
 * @param levelStatsTable       per-level table like RocksDB's "Compaction Stats"
 * @param tableReads            point lookups that read a table because its bloom filter let them through
 * @param tableReadMisses       of those, reads that did not find the key (mostly bloom false positives)
 * @param stallsByCause         per stall kind and cause (e.g. "STOP L0 files"): how many stalls and how long
 */
public record StoreStats(long lastRevision, long memtableBytes, int immutableMemtables, List<Integer> levelFiles,
                         List<Long> levelBytes, long liveSstBytes, long approximateEntries, long flushes,
                         long flushedBytes, long writeStalls, long writeStallMillis, long blockCacheHits,
                         long blockCacheMisses, long blockCacheBytes, int openTables, long compactions,
                         long compactionBytesRead, long compactionBytesWritten, double writeAmplification,
                         long pendingCompactionBytes, String stallReason, String levelStatsTable, long tableReads,
                         long tableReadMisses, java.util.Map<String, String> stallsByCause, long flushedRevision,
                         long recoveryRevision, long trimHorizon, int commitPoints, int rolledBackRanges,
                         long flushMillis, long compactionMillis) {
    public StoreStats {
        stallsByCause = java.util.Map.copyOf(stallsByCause);
        levelFiles = List.copyOf(levelFiles);
        levelBytes = List.copyOf(levelBytes);
    }
}
