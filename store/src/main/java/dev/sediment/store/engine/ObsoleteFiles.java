package dev.sediment.store.engine;

import dev.sediment.store.fs.FileNames;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Version references and the tables only old versions name. A table is deleted once no live version
 * (the current one, or one a reader pinned) names it; the edit that dropped it is durable by then, as
 * versions are installed only after their edit is logged. Methods ending in Locked require the state lock.
 */
final class ObsoleteFiles {
    private static final Logger log = LoggerFactory.getLogger(ObsoleteFiles.class);

    private final EngineState state;
    private final TableCache tableCache;
    // Guarded by stateLock.
    private final Set<Version> liveVersions = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Long> knownTables = new HashSet<>();

    ObsoleteFiles(EngineState state, TableCache tableCache, Version current) {
        this.state = state;
        this.tableCache = tableCache;
        current.ref();
        liveVersions.add(current);
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : current.files(level)) {
                knownTables.add(f.fileNumber());
            }
        }
    }

    /** A table written by a flush, compaction or ingest, about to be named by an installed version. */
    void addTableLocked(long fileNumber) {
        knownTables.add(fileNumber);
    }

    /** The new current version takes the reference the read state holds. */
    void refLocked(Version v) {
        v.ref();
        liveVersions.add(v);
    }

    /**
     * Drops one reference; returns tables no live version names any more. {@code filesStillLive}: a live
     * version names the same files (a commit replaced it), so nothing can have become obsolete.
     */
    List<Long> unrefLocked(Version v, boolean filesStillLive) {
        if (!v.unref()) {
            return List.of();
        }
        liveVersions.remove(v);
        if (filesStillLive) {
            return List.of();
        }
        Set<Long> live = new HashSet<>();
        for (Version lv : liveVersions) {
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (FileMetadata f : lv.files(level)) {
                    live.add(f.fileNumber());
                }
            }
        }
        List<Long> obsolete = new ArrayList<>();
        for (Long n : knownTables) {
            if (!live.contains(n)) {
                obsolete.add(n);
            }
        }
        obsolete.forEach(knownTables::remove);
        return obsolete;
    }

    /** Deletes tables {@link #unrefLocked} returned. Without a lock: file deletion may be slow. */
    void delete(List<Long> obsolete) {
        for (long n : obsolete) {
            tableCache.evict(n);
            try {
                state.fs.delete(FileNames.table(state.dir, n));
            } catch (IOException e) {
                log.warn("cannot delete obsolete table {} (swept on next open): {}", FileNames.table(state.dir, n),
                        e.toString());
            }
        }
    }
}
