package dev.sediment.store.engine;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.LevelChecker;
import dev.sediment.store.manifest.Version;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole-store invariant checker for tests (Pebble's CheckLevels): the structural level checks of
 * {@link LevelChecker}, plus what only the data can show —
 * <ul>
 *   <li>each table's entries are sorted and lie within its recorded key and revision range;</li>
 *   <li>only tables that existed when the store was rolled back hold rolled-back revisions (flushes
 *       and compactions never write them);</li>
 *   <li>for every user key, each source (L0 files newest first, then L1, L2, …) holds only versions
 *       older than every version of the key in the sources above it.</li>
 * </ul>
 */
final class EngineInvariants {
    private EngineInvariants() {
    }

    /** Runs with compactions paused, so no table of the checked version is deleted under the check. */
    static void check(Engine engine) {
        engine.compactionLock().lock();
        try {
            checkPaused(engine);
        } finally {
            engine.compactionLock().unlock();
        }
    }

    private static void checkPaused(Engine engine) {
        Version v = engine.currentVersion();
        LevelChecker.check(v);
        // user key -> smallest revision seen so far in upper sources
        Map<ByteBuffer, Long> minAbove = new HashMap<>();
        List<List<FileMetadata>> sources = new ArrayList<>();
        for (FileMetadata f : v.files(0)) {
            sources.add(List.of(f));
        }
        for (int level = 1; level < Version.NUM_LEVELS; level++) {
            if (!v.files(level).isEmpty()) {
                sources.add(v.files(level));
            }
        }
        for (List<FileMetadata> source : sources) {
            Map<ByteBuffer, long[]> inSource = new HashMap<>(); // key -> {minRev, maxRev}
            for (FileMetadata f : source) {
                TableCache.Handle h = engine.tableCache().acquire(f.fileNumber());
                try (InternalIterator it = h.reader().iterator()) {
                    byte[] prevKey = null;
                    long prevTrailer = 0;
                    long entries = 0;
                    for (it.seekToFirst(); it.valid(); it.next()) {
                        entries++;
                        byte[] k = it.userKey();
                        long t = it.trailer();
                        if (prevKey != null && InternalKeys.compare(prevKey, prevTrailer, k, t) >= 0) {
                            throw new IllegalStateException("table " + f.fileNumber() + " out of order at "
                                    + InternalKeys.toDebugString(k, t) + "\n" + v.toDebugString());
                        }
                        if (InternalKeys.compare(k, t, f.smallestKey(), f.smallestTrailer()) < 0
                                || InternalKeys.compare(k, t, f.largestKey(), f.largestTrailer()) > 0) {
                            throw new IllegalStateException("table " + f.fileNumber() + " entry "
                                    + InternalKeys.toDebugString(k, t) + " outside its recorded range\n" + v.toDebugString());
                        }
                        long rev = InternalKeys.revision(t);
                        if (rev < f.minRevision() || rev > f.maxRevision()) {
                            throw new IllegalStateException("table " + f.fileNumber() + " revision " + rev
                                    + " outside its recorded range\n" + v.toDebugString());
                        }
                        if (v.isRolledBack(rev) && !engine.rolledBackTables().contains(f.fileNumber())) {
                            throw new IllegalStateException("table " + f.fileNumber() + ", written after the "
                                    + "rollback, holds rolled-back revision " + rev + "\n" + v.toDebugString());
                        }
                        CommitPoint rp = v.recoveryPoint();
                        if (rp != null && rp.revision() > v.flushedRevision()) {
                            throw new IllegalStateException("recovery point " + rp + " above the flushed revision");
                        }
                        long[] mm = inSource.computeIfAbsent(ByteBuffer.wrap(k), x -> new long[]{Long.MAX_VALUE, 0});
                        mm[0] = Math.min(mm[0], rev);
                        mm[1] = Math.max(mm[1], rev);
                        prevKey = k;
                        prevTrailer = t;
                    }
                    if (entries != f.entries()) {
                        throw new IllegalStateException("table " + f.fileNumber() + " holds " + entries
                                + " entries, the manifest says " + f.entries());
                    }
                } finally {
                    h.release();
                }
            }
            for (Map.Entry<ByteBuffer, long[]> e : inSource.entrySet()) {
                Long above = minAbove.get(e.getKey());
                if (above != null && e.getValue()[1] >= above) {
                    throw new IllegalStateException("key " + InternalKeys.printable(e.getKey().array())
                            + " has revision " + e.getValue()[1] + " below a source holding revision " + above
                            + "\n" + v.toDebugString());
                }
                minAbove.merge(e.getKey(), e.getValue()[0], Math::min);
            }
        }
    }
}
