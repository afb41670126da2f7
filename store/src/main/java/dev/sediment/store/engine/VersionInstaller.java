package dev.sediment.store.engine;

import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.manifest.CommitPoint;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionEdit;
import dev.sediment.store.manifest.VersionSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The one way a version changes: log the edit to the manifest, install the version it yields in a new
 * read state, then delete the tables no live version names. Every path goes through here — flush,
 * compaction, ingest, commit points and history trims, the revision lease — so a manifest failure on any
 * of them puts the store in the same read-only state: {@link EngineState#fatalError} is set, further
 * writes fail, reads go on against the last installed version.
 */
final class VersionInstaller {
    private static final Logger log = LoggerFactory.getLogger(VersionInstaller.class);

    /** The read state that carries an installed version, built under the state lock. */
    @FunctionalInterface
    interface Change {
        /**
         * Returns the read state for {@code installed}, given the current one; may update bookkeeping
         * guarded by the state lock (it runs under it, after the edit is logged and before the swap).
         */
        ReadState apply(ReadState current, Version installed);
    }

    /** The memtables stay as they are; only the version changes. */
    static final Change SAME_MEMTABLES = (s, v) -> new ReadState(s.active(), s.immutables(), v);

    private final EngineState state;
    private final ObsoleteFiles obsolete;
    private final WriteStalls stalls;

    VersionInstaller(EngineState state, ObsoleteFiles obsolete, WriteStalls stalls) {
        this.state = state;
        this.obsolete = obsolete;
        this.stalls = stalls;
    }

    /**
     * Logs {@code edit} (synced unless {@code sync} is false: only for edits whose loss in a crash is
     * safe), installs its version with {@code change}, and deletes what became obsolete. On a manifest
     * failure the store turns read-only and this throws a {@link StoreIOException} naming {@code what}.
     * REQUIRES: neither installLock nor stateLock held.
     */
    void install(VersionEdit edit, boolean sync, String what, Change change) {
        List<Long> dropped;
        synchronized (state.installLock) {
            Version installed;
            try {
                installed = state.versions.logAndApply(edit, sync);
            } catch (IOException | RuntimeException e) {
                enterReadOnly(e);
                throw new StoreIOException("cannot record " + what + " in the manifest of " + state.dir, asIo(e));
            }
            synchronized (state.stateLock) {
                // Commit points logged while this edit was synced (installCommit takes no installLock) are in
                // the set's current version; it differs from ours in nothing else, as every other edit comes
                // through here. Read under stateLock: a commit logs before it takes stateLock to install, so
                // every point already in the read state is in this version too. (Read before stateLock, a
                // commit installed in between was dropped from the read state, and a committed snapshot read
                // at an older commit point: CommittedSnapshotTest caught it once in CI; CommitDuringManifestSyncTest
                // now forces that interleaving.)
                Version latest = state.versions.current();
                if (latest != installed && latest.differsOnlyInCommitPoints(installed)) {
                    installed = latest;
                }
                for (VersionEdit.NewFile f : edit.newFiles()) {
                    obsolete.addTableLocked(f.file().fileNumber()); // deleted once no live version names it
                }
                dropped = swapLocked(change.apply(state.readState, installed));
            }
        }
        obsolete.delete(dropped);
    }

    /**
     * Logs a commit's edit ({@link VersionEdit#onlyCommitPoints()}) unsynced and installs it, without the
     * install lock: a commit must not wait for a flush's or compaction's manifest sync (design §5: commit
     * is cheap). While such an edit is being synced the set's version already holds its files, which must
     * not reach readers (or make tables obsolete) before the edit is durable and its memtables are
     * swapped; so the commit edit is then applied to the read state's version instead, and the pending
     * install picks the commit points up from the set's version. REQUIRES: writeLock held (commits are
     * serial); neither installLock nor stateLock held.
     */
    void installCommit(VersionEdit edit) {
        Version logged;
        try {
            logged = state.versions.logAndApply(edit, false);
        } catch (IOException | RuntimeException e) {
            enterReadOnly(e);
            throw new StoreIOException("cannot record a commit point in the manifest of " + state.dir, asIo(e));
        }
        CommitPoint point = edit.commitPoints().get(edit.commitPoints().size() - 1);
        List<Long> dropped;
        synchronized (state.stateLock) {
            ReadState s = state.readState;
            Version base = s.version();
            if (base.lastCommitPoint() == point) {
                return; // a pending install took the set's version, which holds this point already
            }
            Version next = logged.differsOnlyInCommitPoints(base) ? logged : VersionSet.withCommitEdit(base, edit);
            dropped = swapLocked(new ReadState(s.active(), s.immutables(), next));
        }
        obsolete.delete(dropped); // empty: the files did not change
    }

    /**
     * Installs a read state whose version is unchanged (a memtable switch). Returns nothing to delete:
     * only a version change can make tables obsolete.
     */
    void swapMemtablesLocked(ReadState next) {
        if (next.version() != state.readState.version()) {
            throw new IllegalStateException("a version changes only through install()");
        }
        state.readState = next;
    }

    /** If {@code next}'s version is new, the old one loses the reference the read state held. */
    private List<Long> swapLocked(ReadState next) {
        ReadState prev = state.readState;
        boolean newVersion = next.version() != prev.version();
        if (newVersion) {
            obsolete.refLocked(next.version());
        }
        boolean sameFiles = next.version().sameFilesAs(prev.version());
        state.readState = next;
        if (next.immutables() != prev.immutables() || !sameFiles) {
            stalls.updateLocked(); // a commit changes neither, and must cost microseconds
        }
        return newVersion ? obsolete.unrefLocked(prev.version(), sameFiles) : List.of();
    }

    /**
     * The manifest's state is unknown (a write or sync failed): no more writes until reopened. Returns
     * the error every later write reports.
     */
    StoreException enterReadOnly(Exception e) {
        StoreException fatal = new StoreIOException("manifest write failed in " + state.dir
                + "; the store is read-only until reopened", asIo(e));
        synchronized (state.stateLock) {
            state.fatalError = fatal;
            state.stateLock.notifyAll();
        }
        log.error("{}", fatal.getMessage());
        return fatal;
    }

    static IOException asIo(Throwable e) {
        return e instanceof IOException io ? io : new IOException(e.toString(), e);
    }
}
