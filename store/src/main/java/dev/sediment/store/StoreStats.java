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
 * @param approximateEntries    entries in memtables and SSTables (versions and tombstones counted)
 * @param flushes               memtable flushes completed since open
 * @param flushedBytes          SSTable bytes written by flushes since open
 * @param writeStalls           times a writer waited for a flush since open
 * @param writeStallMillis      total time writers waited
 * @param blockCacheHits        block cache hits
 * @param blockCacheMisses      block cache misses
 * @param blockCacheBytes       bytes held by the block cache
 * @param openTables            SSTables open in the table cache
 */
public record StoreStats(long lastRevision, long memtableBytes, int immutableMemtables, List<Integer> levelFiles,
                         List<Long> levelBytes, long liveSstBytes, long approximateEntries, long flushes,
                         long flushedBytes, long writeStalls, long writeStallMillis, long blockCacheHits,
                         long blockCacheMisses, long blockCacheBytes, int openTables) {
    public StoreStats {
        levelFiles = List.copyOf(levelFiles);
        levelBytes = List.copyOf(levelBytes);
    }
}
