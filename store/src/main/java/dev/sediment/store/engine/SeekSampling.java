package dev.sediment.store.engine;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read-triggered compaction (LevelDB's seek compaction, Pebble's read-triggered compaction): an iterator's
 * seek into a table of level {@code 1 <= L < bottom} that has a deeper non-empty level below it costs the
 * seek a second level to merge, so the table is charged one seek. A table that used up its allowance
 * ({@link #allowedSeeks}: one seek per 16 KiB the compaction would rewrite, at least 100) is marked for
 * compaction into the level below; the picker takes marked tables only when no level is over its target, so
 * write-driven compaction keeps priority. After a write burst, the penultimate level typically overlaps every
 * key of the last one and doubles the cost of every scan until writes push it down (measured on the bench at 1M keys: L5 one
 * table over the whole key range, seeks 13K/s against 19K/s when L5 held a tenth of the range).
 *
 * <p>Lock-free: readers charge from any thread; {@link #onMarked} (taking the state lock) runs once per table.
 */
final class SeekSampling {
    /** One seek per this many bytes of a table, as LevelDB: a seek costs about as much as compacting 16 KiB. */
    static final long BYTES_PER_SEEK = 16 << 10;
    static final long MIN_SEEKS = 100;

    private final ConcurrentHashMap<Long, AtomicLong> seeksLeft = new ConcurrentHashMap<>();
    private final Set<Long> marked = ConcurrentHashMap.newKeySet();
    private final Runnable onMarked;

    /** @param onMarked asks for a compaction once a table is marked (runs on the reader's thread) */
    SeekSampling(Runnable onMarked) {
        this.onMarked = onMarked;
    }

    /**
     * LevelDB allows one seek per 16 KiB of the table; the compaction also rewrites the tables of the level below
     * that it overlaps (about ten times as many bytes in a leveled tree), so these count too. Measured at 10M keys
     * with the table alone counted: a 64 MiB L5 table used up its seeks in a third of a second of scans and then
     * cost ~700 MB of compaction while they ran (seek + 100 nexts 16K/s -> 12K/s).
     */
    static long allowedSeeks(FileMetadata f, long overlappedBelow) {
        return Math.max(MIN_SEEKS, (f.sizeBytes() + overlappedBelow) / BYTES_PER_SEEK);
    }

    /**
     * Charges a seek at {@code key} (null: the first key, or the last with {@code reverse}) to the table it
     * lands in at every level above the deepest non-empty one.
     */
    void charge(Version v, byte[] key, boolean reverse) {
        int deepest = -1;
        for (int level = Version.NUM_LEVELS - 1; level >= 1; level--) {
            if (!v.files(level).isEmpty()) {
                deepest = level;
                break;
            }
        }
        for (int level = 1; level < deepest; level++) {
            FileMetadata f = tableAt(v.files(level), key, reverse);
            if (f != null && !marked.contains(f.fileNumber())) {
                List<FileMetadata> below = v.files(level + 1);
                AtomicLong left = seeksLeft.computeIfAbsent(f.fileNumber(),
                        n -> new AtomicLong(allowedSeeks(f, overlappingBytes(below, f))));
                if (left.decrementAndGet() == 0) {
                    marked.add(f.fileNumber());
                    onMarked.run();
                }
            }
        }
    }

    /** Bytes of the tables of a sorted level that overlap {@code f}'s key range. */
    private static long overlappingBytes(List<FileMetadata> level, FileMetadata f) {
        long bytes = 0;
        for (FileMetadata g : level) { // once per table charged: a scan is cheap next to a seek's I/O
            if (InternalKeys.compareUserKeys(g.largestKey(), f.smallestKey()) >= 0
                    && InternalKeys.compareUserKeys(g.smallestKey(), f.largestKey()) <= 0) {
                bytes += g.sizeBytes();
            }
        }
        return bytes;
    }

    /** The table of a sorted level a seek at {@code key} (null: an end, per {@code reverse}) starts in, or null. */
    private static FileMetadata tableAt(List<FileMetadata> files, byte[] key, boolean reverse) {
        if (files.isEmpty()) {
            return null;
        }
        if (key == null) {
            return reverse ? files.get(files.size() - 1) : files.get(0);
        }
        return PointReader.findFile(files, key);
    }

    /**
     * Adds the marked tables still in {@code v} to {@code into}; forgets every charge and mark of tables no longer
     * in {@code v} (compacted away). REQUIRES: the caller serialises calls (the state lock).
     */
    Set<Long> markedIn(Version v, Set<Long> into) {
        if (seeksLeft.isEmpty()) {
            return into;
        }
        Set<Long> live = new HashSet<>();
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                live.add(f.fileNumber());
            }
        }
        seeksLeft.keySet().retainAll(live);
        marked.retainAll(live);
        into.addAll(marked);
        return into;
    }
}
