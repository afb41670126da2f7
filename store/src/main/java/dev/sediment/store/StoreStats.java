package dev.sediment.store;

import java.util.List;
import java.util.Map;

/**
 * A point-in-time view of what the store holds and has done, grouped by the part of the engine it
 * describes. Counters ("since open") start at zero when the store opens. Immutable.
 *
 * @param approximateEntries estimated live keys, as RocksDB's {@code estimate-num-keys}: SSTable entries minus
 *                           twice their tombstones (each hides one version), plus per memtable its distinct keys
 *                           whose newest entry is a put, minus deletes of keys it does not hold; at least 0.
 *                           Exact once compaction has merged every version of a key; overwrites still spread
 *                           over several tables count once per table
 * @param revisions          where the store's revisions stand
 * @param memtables          the active and frozen memtables
 * @param tables             SSTables per level, open tables and table reads
 * @param flushes            memtable flushes since open
 * @param compactions        compactions since open and the debt left
 * @param stalls             writers slowed or stopped since open
 * @param cache              the block cache (shared with other stores when a {@link StoreRuntime} is used)
 */
public record StoreStats(long approximateEntries, Revisions revisions, Memtables memtables, Tables tables,
                         Flushes flushes, Compactions compactions, Stalls stalls, Cache cache) {

    /**
     * @param last             the last revision assigned (and visible to reads)
     * @param flushed          every revision up to this one is in SSTables
     * @param recovery         the recovery point's revision: where a crash now would roll back to; -1 if none
     * @param trimHorizon      reads below this revision fail (see {@link Store#trimHorizon()})
     * @param commitPoints     commit points the manifest holds
     * @param rolledBackRanges revision ranges rolled back at an open, hidden until compaction drops them
     */
    public record Revisions(long last, long flushed, long recovery, long trimHorizon, int commitPoints,
                            int rolledBackRanges) {
    }

    /**
     * @param bytes  bytes in the active and frozen memtables
     * @param frozen frozen memtables waiting for flush
     */
    public record Memtables(long bytes, int frozen) {
    }

    /**
     * @param files SSTables in the level
     * @param bytes their bytes
     */
    public record Level(int files, long bytes) {
    }

    /**
     * @param levels     per level, L0 first
     * @param liveBytes  bytes of all live SSTables
     * @param open       SSTables open in the table cache
     * @param lookups      point lookups that reached the tables (no memtable answered them)
     * @param filterChecks tables whose bloom filter those lookups checked: every L0 table whose key range holds
     *                     the key, at most one table per deeper level; per lookup, what the tree's depth costs a get
     * @param reads        point lookups that read a table because its bloom filter let them through
     * @param readMisses   of those, lookups that did not find the key (mostly bloom false positives)
     */
    public record Tables(List<Level> levels, long liveBytes, int open, long lookups, long filterChecks, long reads,
                         long readMisses) {
        public Tables {
            levels = List.copyOf(levels);
        }

        /** SSTables in all levels. */
        public int files() {
            return levels.stream().mapToInt(Level::files).sum();
        }
    }

    /**
     * @param count  flushes completed
     * @param bytes  SSTable bytes they wrote
     * @param millis milliseconds spent in them
     */
    public record Flushes(long count, long bytes, long millis) {
    }

    /**
     * @param count              compactions completed (trivial moves excluded)
     * @param bytesRead          bytes they read
     * @param bytesWritten       bytes they wrote
     * @param writeAmplification SSTable bytes written (flushes and compactions) / bytes flushed
     * @param pendingBytes       estimated bytes compaction must still rewrite to bring every level under target
     * @param millis             milliseconds spent in them
     * @param levelTable         per-level table like RocksDB's "Compaction Stats", for logs
     */
    public record Compactions(long count, long bytesRead, long bytesWritten, double writeAmplification,
                              long pendingBytes, long millis, String levelTable) {
    }

    /**
     * @param count   times a writer was slowed or waited
     * @param millis  milliseconds writers waited in all
     * @param reason  why writers are slowed or stopped now, or empty
     * @param byCause per stall kind and cause (e.g. "STOP L0 files"): how many stalls and how long
     */
    public record Stalls(long count, long millis, String reason, Map<String, String> byCause) {
        public Stalls {
            byCause = Map.copyOf(byCause);
        }
    }

    /**
     * @param hits   block cache hits
     * @param misses block cache misses
     * @param bytes  bytes the cache holds: cached blocks and the pinned bytes
     * @param pinnedBytes bytes open tables keep in memory (index, filter) and pin against the cache's capacity
     * @param missReadBytes bytes read from files to serve the misses, as stored (compressed)
     */
    public record Cache(long hits, long misses, long bytes, long pinnedBytes, long missReadBytes) {
    }
}
