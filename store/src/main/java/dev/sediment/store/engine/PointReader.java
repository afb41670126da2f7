package dev.sediment.store.engine;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyHash;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.sstable.PointLookup;
import dev.sediment.store.sstable.TableReader;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Point lookups: the newest version of a key at a snapshot revision, searching sources newest first —
 * the active memtable, frozen memtables, L0 tables newest first, then one table per level. The first
 * version found at or below the snapshot decides (a tombstone means absent): every source below
 * holds only older versions of the key (the level invariant).
 */
final class PointReader {
    /** "This table does not decide the read" (compared by identity; never a returned value). */
    private static final byte[] NOT_HERE = new byte[0];
    /** One reusable cursor per reading thread (shared by every store: a read never nests another). */
    private static final ThreadLocal<PointLookup> LOOKUPS = ThreadLocal.withInitial(PointLookup::new);

    private final TableCache tables;
    /** Tables read (the bloom filter let the lookup through) and those reads that did not find the key. */
    private final LongAdder tableReads = new LongAdder();
    private final LongAdder tableReadMisses = new LongAdder();
    /** Lookups that reached the tables, and the tables whose filter they checked (what L0's depth costs a get). */
    private final LongAdder tableLookups = new LongAdder();
    private final LongAdder filterChecks = new LongAdder();

    PointReader(TableCache tables) {
        this.tables = tables;
    }

    /** The value, or null if absent or deleted at {@code snapshot}. */
    byte[] get(ReadState state, byte[] key, long snapshot) {
        // One hash per read, tested against every memtable's key filter and every table's bloom filter.
        long hash = KeyHash.hash64(key);
        MemTable.Lookup hit = state.active().get(key, hash, snapshot);
        if (hit == null) {
            for (MemTable m : state.immutables()) {
                hit = m.get(key, hash, snapshot);
                if (hit != null) {
                    break;
                }
            }
        }
        if (hit != null) {
            return hit.isDelete() ? null : hit.value();
        }
        Version v = state.version();
        PointLookup lookup = LOOKUPS.get();
        int checked = 0;
        try {
            for (FileMetadata f : v.files(0)) {
                if (f.minRevision() > snapshot || !inRange(f, key)) {
                    continue;
                }
                checked++;
                byte[] found = searchTable(lookup, f, key, hash, snapshot, v);
                if (found != NOT_HERE) {
                    return found;
                }
            }
            for (int level = 1; level < Version.NUM_LEVELS; level++) {
                // Tables of a level are disjoint: the key range picks the one table, then its filter decides.
                FileMetadata f = findFile(v.files(level), key);
                if (f == null || f.minRevision() > snapshot) {
                    continue;
                }
                checked++;
                byte[] found = searchTable(lookup, f, key, hash, snapshot, v);
                if (found != NOT_HERE) {
                    return found;
                }
            }
            return null;
        } finally {
            lookup.clear();
            tableLookups.increment();
            filterChecks.add(checked);
        }
    }

    private static boolean inRange(FileMetadata f, byte[] key) {
        return Arrays.compareUnsigned(key, f.smallestKey()) >= 0 && Arrays.compareUnsigned(key, f.largestKey()) <= 0;
    }

    /** The file of a sorted, non-overlapping level whose key range holds {@code key}, or null. */
    static FileMetadata findFile(List<FileMetadata> files, byte[] key) {
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(files.get(mid).largestKey(), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == files.size()) {
            return null;
        }
        FileMetadata f = files.get(lo);
        return Arrays.compareUnsigned(key, f.smallestKey()) >= 0 ? f : null;
    }

    /** Lookups not answered by a memtable. */
    long tableLookups() {
        return tableLookups.sum();
    }

    /** Tables whose filter those lookups checked (every L0 table in range, at most one per deeper level). */
    long filterChecks() {
        return filterChecks.sum();
    }

    long tableReads() {
        return tableReads.sum();
    }

    /**
     * Table reads that did not find the key: bloom false positives, or the key's versions there are all
     * newer than the snapshot. These are the "seeks" LevelDB charges for seek-triggered compaction.
     */
    long tableReadMisses() {
        return tableReadMisses.sum();
    }

    /**
     * The table's decision: its newest version of the key at {@code snapshot} outside rolled-back ranges —
     * the value, or null for a tombstone — or {@link #NOT_HERE}.
     */
    private byte[] searchTable(PointLookup lookup, FileMetadata f, byte[] key, long hash, long snapshot, Version v) {
        TableReader cached = tables.peek(f.fileNumber()); // its filter may say no without a pin
        if (cached != null && !cached.mayContainHash(hash)) {
            return NOT_HERE;
        }
        TableCache.Entry pinned = tables.pin(f.fileNumber());
        try {
            TableReader reader = pinned.reader();
            if (cached == null && !reader.mayContainHash(hash)) {
                return NOT_HERE;
            }
            tableReads.increment();
            boolean found = lookup.seek(reader, key, InternalKeys.seekTrailer(snapshot));
            if (found && !v.rolledBack().isEmpty()) {
                // Entries in rolled-back ranges are skipped: the next older version of the key decides.
                while (found && v.isRolledBack(InternalKeys.revision(lookup.trailer()))) {
                    found = lookup.next(key);
                }
            }
            if (!found) {
                tableReadMisses.increment();
                return NOT_HERE;
            }
            return InternalKeys.isDelete(lookup.trailer()) ? null : lookup.valueCopy();
        } finally {
            pinned.unpin();
        }
    }
}
