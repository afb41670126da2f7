package dev.sediment.store.engine;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;

import java.util.Arrays;
import java.util.List;

/**
 * Point lookups: the newest version of a key at a snapshot revision, searching sources newest first —
 * the active memtable, frozen memtables, L0 tables newest first, then one table per level. The first
 * version found at or below the snapshot decides (a tombstone means absent): every source below
 * holds only older versions of the key (the level invariant).
 */
final class PointReader {
    private final TableCache tables;
    /** Tables read (the bloom filter let the lookup through) and those reads that did not find the key. */
    private final java.util.concurrent.atomic.LongAdder tableReads = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder tableReadMisses = new java.util.concurrent.atomic.LongAdder();

    PointReader(TableCache tables) {
        this.tables = tables;
    }

    /** The value, or null if absent or deleted at {@code snapshot}. */
    byte[] get(ReadState state, byte[] key, long snapshot) {
        MemTable.Lookup hit = state.active().get(key, snapshot);
        if (hit == null) {
            for (MemTable m : state.immutables()) {
                hit = m.get(key, snapshot);
                if (hit != null) {
                    break;
                }
            }
        }
        if (hit != null) {
            return hit.isDelete() ? null : hit.value();
        }
        Version v = state.version();
        for (FileMetadata f : v.files(0)) {
            if (f.minRevision() > snapshot || !inRange(f, key)) {
                continue;
            }
            Found found = searchTable(f, key, snapshot, v);
            if (found != null) {
                return found.value;
            }
        }
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            List<FileMetadata> files = v.files(level);
            FileMetadata f = findFile(files, key);
            if (f == null || f.minRevision() > snapshot) {
                continue;
            }
            Found found = searchTable(f, key, snapshot, v);
            if (found != null) {
                return found.value;
            }
        }
        return null;
    }

    private static boolean inRange(FileMetadata f, byte[] key) {
        return Arrays.compareUnsigned(key, f.smallestKey()) >= 0 && Arrays.compareUnsigned(key, f.largestKey()) <= 0;
    }

    /** The file of a sorted, non-overlapping level whose key range holds {@code key}, or null. */
    private static FileMetadata findFile(List<FileMetadata> files, byte[] key) {
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

    /** A decision from one table: {@code value} is null for a tombstone. */
    private record Found(byte[] value) {
    }

    /** Entries in rolled-back ranges are skipped: the next older version of the key decides. */
    private Found searchTable(FileMetadata f, byte[] key, long snapshot, Version v) {
        TableCache.Handle h = tables.acquire(f.fileNumber());
        try {
            if (!h.reader().mayContain(key)) {
                return null;
            }
            tableReads.increment();
            try (InternalIterator it = h.reader().iterator()) {
                it.seek(key, InternalKeys.seekTrailer(snapshot));
                if (!v.rolledBack().isEmpty()) {
                    while (it.valid() && v.isRolledBack(InternalKeys.revision(it.trailer()))
                            && Arrays.equals(it.userKey(), key)) {
                        it.next();
                    }
                }
                if (!it.valid() || !Arrays.equals(it.userKey(), key)) {
                    tableReadMisses.increment();
                    return null;
                }
                return new Found(InternalKeys.isDelete(it.trailer()) ? null : it.value());
            }
        } finally {
            h.release();
        }
    }
}
