package dev.sediment.store.manifest;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreFormatMismatchException;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The current {@link Version} and the manifest that makes it durable. The file format is specified
 * in {@code store/FORMAT.md}, section "Manifest".
 *
 * <p>{@link #logAndApply} appends a CRC-framed edit to the live manifest and syncs it before the new
 * version becomes current. When the manifest outgrows {@code maxManifestBytes} the next sync rotates it: a
 * new manifest starting with a full snapshot edit is written (appends meanwhile go to the old one and are
 * repeated in the new one), synced, then {@code CURRENT} is switched (temp file, sync, atomic rename,
 * directory sync) and the old manifest deleted; see {@code rotateOffLock}. To keep rotation
 * cost amortized, a manifest is rotated only once the edits appended after its snapshot are at least
 * as large as the snapshot itself (a store whose snapshot exceeds {@code maxManifestBytes} would
 * otherwise rotate on every edit).
 *
 * <p>{@link #open} always rotates once: the replayed manifest cannot be appended to (a
 * {@link dev.sediment.store.fs.WritableFile} only creates), and starting over from a snapshot drops a
 * torn tail for good, so it can never be mistaken for a complete record once more bytes follow it.
 * Open also deletes leftover manifests and {@code CURRENT.tmp} from interrupted rotations.
 *
 * <p>Any I/O error inside {@link #logAndApply} leaves the outcome unknown, so the set becomes failed:
 * every later call throws, and the store must be reopened (recovery replays what is durable).
 *
 * <p>File numbers: one counter for tables and manifests, never reused. Every logged edit carries the
 * counter's value, and open starts the counter above every number in the directory too, so numbers
 * handed out but never logged before a crash are not reused either.
 *
 * <p>Thread-safety: appends and {@link #close} hold this set's monitor; syncs and rotations run under a
 * lock of their own and hold the monitor only to switch state (and for the one write of deferred records a
 * sync starts with), never across a file sync or a rotation's writes, so an unsynced append such as a commit
 * point never waits for another thread's file sync or rotation. {@link #current()},
 * {@link #lastRevision()} and {@link #manifestFileNumber()} are volatile reads;
 * {@link #newFileNumber()} is atomic.
 */
public final class VersionSet implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionSet.class);

    private final FileSystem fs;
    private final Path dir;
    private final long maxManifestBytes;
    private final AtomicLong nextFileNumber;
    /** Serializes manifest syncs; taken before this set's monitor, never while holding it. */
    private final Object syncLock = new Object();

    private volatile Version current;
    /** The version a crash now would replay: as of the last synced edit, sync or rotation. */
    private volatile Version durable;
    /**
     * The version of every appended edit: the base of the next one. {@link #current} lags it only while a
     * synced edit is being synced, and stays behind for good if that sync fails. Guarded by this.
     */
    private Version logged;
    /** The live manifest's number: the one CURRENT names. */
    private volatile long manifestNumber;

    // Guarded by this.
    private ManifestWriter manifest;
    private long snapshotBytes;
    private Throwable failure;
    /** Edits appended so far, and how many of them are durable (a rotation makes all of them durable). */
    private long appendedSeq;
    private long syncedSeq;
    /** The manifest outgrew its snapshot: the next sync rotates it. */
    private boolean rotationWanted;
    /** While a rotation writes its snapshot: the records appended since, which the new manifest must repeat. */
    private ByteWriter catchUp;
    /** Whether a commit point was written to the manifest (then commit edits may be deferred). Guarded by this. */
    private boolean commitPointWritten;
    /** Set once by {@link #open} when it created the store. */
    private boolean created;
    private boolean closed;

    private VersionSet(FileSystem fs, Path dir, long maxManifestBytes, Version current, long nextFileNumber,
                       long manifestNumber) {
        this.fs = fs;
        this.dir = dir;
        this.maxManifestBytes = maxManifestBytes;
        this.current = current;
        this.logged = current;
        this.durable = current;
        this.commitPointWritten = current.lastCommitPoint() != null; // open rotates: its snapshot holds them
        this.nextFileNumber = new AtomicLong(nextFileNumber);
        this.manifestNumber = manifestNumber;
    }

    /**
     * Opens the manifest named by {@code CURRENT} in {@code dir} and replays it, or, if there is no
     * {@code CURRENT} and {@code createIfMissing}, creates an empty store's manifest.
     * A torn last record is ignored (logged at WARN); any other damage throws
     * {@link dev.sediment.store.CorruptionException} naming the file and offset.
     *
     * @throws NoSuchFileException if there is no {@code CURRENT} and {@code !createIfMissing}
     * @throws CorruptionException if there is no {@code CURRENT} but the directory holds tables or
     *         manifests (refusing to create an empty store over them)
     */
    public static VersionSet open(FileSystem fs, Path dir, long maxManifestBytes, boolean createIfMissing)
            throws IOException {
        return open(fs, dir, maxManifestBytes, createIfMissing, 0);
    }

    /**
     * As {@link #open(FileSystem, Path, long, boolean)}; a store created here records {@code leaseOnCreate} as
     * its last revision in the manifest's first snapshot, so its first writes need no lease edit of their own
     * (one manifest sync less in a new store's life). {@link #created()} tells the caller.
     */
    public static VersionSet open(FileSystem fs, Path dir, long maxManifestBytes, boolean createIfMissing,
                                  long leaseOnCreate) throws IOException {
        if (maxManifestBytes <= 0) {
            throw new IllegalArgumentException("maxManifestBytes " + maxManifestBytes + " <= 0");
        }
        Path currentFile = FileNames.current(dir);
        VersionSet set;
        if (fs.exists(currentFile)) {
            long replayed = CurrentFile.read(fs, dir);
            ManifestReplay.Result r = ManifestReplay.replay(fs, FileNames.manifest(dir, replayed));
            long next = Math.max(Math.max(r.nextFileNumber(), replayed + 1), highestNumberIn(fs, dir) + 1);
            set = new VersionSet(fs, dir, maxManifestBytes, r.version(), next, replayed);
            LOG.info("opened {}: replayed {} (next file number {})", dir, FileNames.manifestName(replayed), next);
        } else {
            if (!createIfMissing) {
                throw new NoSuchFileException(currentFile.toString(), null,
                        "store does not exist (no CURRENT) and createIfMissing is false");
            }
            fs.createDirectories(dir);
            refuseToCreateOverFiles(fs, dir, currentFile);
            Version initial = leaseOnCreate > 0
                    ? VersionBuilder.apply(Version.empty(), VersionEdit.builder().lastRevision(leaseOnCreate).build(), -1)
                    : Version.empty();
            set = new VersionSet(fs, dir, maxManifestBytes, initial, 1, -1);
            set.created = true;
            LOG.info("creating a new store in {}", dir);
        }
        try {
            synchronized (set) {
                set.rotate(set.logged);
            }
            set.deleteLeftovers();
        } catch (IOException | RuntimeException e) {
            set.close();
            throw e;
        }
        return set;
    }

    /** Whether this open created the store (its manifest holds no revision used by any write yet). */
    public boolean created() {
        return created;
    }

    /** The current version (not ref'd: callers that keep it must {@link Version#ref()} it). */
    public Version current() {
        return current;
    }

    /** Allocates a file number; never returns the same number twice, also across reopen. */
    public long newFileNumber() {
        return nextFileNumber.getAndIncrement();
    }

    /** The next file number that {@link #newFileNumber()} would return. */
    public long nextFileNumber() {
        return nextFileNumber.get();
    }

    /**
     * The highest revision recorded in the manifest (by any edit's lastRevision, flushedRevision or
     * commit point; also rolled-back range ends and added files' max revisions, since those revisions
     * were assigned too).
     */
    public long lastRevision() {
        return current.lastRevision();
    }

    /** The file number of the live manifest. */
    public long manifestFileNumber() {
        return manifestNumber;
    }

    /**
     * Logs the edit durably, then installs and returns the new current version.
     *
     * <p>The logged edit also carries the current next file number and the highest revision known.
     * REQUIRES: added files' numbers come from {@link #newFileNumber()}; deleted files are in the
     * current version at that level; no file number is added twice.
     *
     * @throws IllegalStateException if the edit does not fit the current version (a caller bug;
     *         nothing is logged and the set stays usable)
     * @throws IOException if writing, syncing or rotating the manifest failed; the set is then failed
     *         and every later call throws IOException until the store is reopened
     * @throws StoreClosedException after {@link #close()}
     */
    public Version logAndApply(VersionEdit edit) throws IOException {
        return logAndApply(edit, true);
    }

    /**
     * As {@link #logAndApply(VersionEdit)}, but with {@code sync == false} the edit is only appended: it
     * becomes durable with the next synced edit, {@link #sync()} or rotation, and a crash before that loses
     * it. Only for edits whose loss is safe (commit points and history trims, design §5 invariant 1). A commit
     * edit ({@link VersionEdit#onlyCommitPoints()}) in a manifest that holds a commit point already is not
     * even written to the file before then (or before close, or 32 KiB of them): a commit costs no system
     * call, and a process crash may lose it too.
     */
    public Version logAndApply(VersionEdit edit, boolean sync) throws IOException {
        Version version;
        long seq;
        synchronized (this) {
            checkUsable();
            long next = nextFileNumber.get();
            version = VersionBuilder.apply(logged, edit, next);
            VersionEdit withBookkeeping = edit.withBookkeeping(next, version.lastRevision());
            try {
                // Deferred only once a commit point is on file: a process crash then still finds one, and
                // rolls back to the recovery point instead of keeping writes that no commit covers.
                boolean defer = !sync && edit.onlyCommitPoints() && commitPointWritten;
                manifest.addEdit(withBookkeeping, false, defer);
                if (!defer && version.lastCommitPoint() != null) {
                    commitPointWritten = true;
                }
                seq = ++appendedSeq;
                long size = manifest.size();
                if (catchUp != null) {
                    manifest.copyLastRecordTo(catchUp); // a rotation is under way: it will repeat this record
                } else if (size > maxManifestBytes && size - snapshotBytes >= snapshotBytes) {
                    rotationWanted = true; // done by the next sync, off this monitor (see rotateOffLock)
                }
            } catch (IOException | RuntimeException | Error e) {
                // The edit may or may not be durable; only a replay can tell, so refuse to guess.
                fail(e, "write");
                throw e;
            }
            logged = version;
            if (!sync) {
                current = version;
                return version;
            }
        }
        syncTo(seq);
        synchronized (this) {
            current = logged; // ours, and commit points appended while it synced
        }
        return version;
    }

    /**
     * {@code base} with a commit edit ({@link VersionEdit#onlyCommitPoints()}) applied, without logging: the
     * version readers see while a file edit logged before it is still being synced (see
     * {@code VersionInstaller#installCommit}).
     */
    public static Version withCommitEdit(Version base, VersionEdit edit) {
        if (!edit.onlyCommitPoints()) {
            throw new IllegalArgumentException("not a commit edit: " + edit);
        }
        return VersionBuilder.apply(base, edit, -1);
    }

    /** The version a crash now would find: the current one as of the last sync (synced edit, sync or rotation). */
    public Version durable() {
        return durable;
    }

    /** Makes every appended edit durable; a no-op when nothing is pending. */
    public void sync() throws IOException {
        long seq;
        synchronized (this) {
            if (closed || failure != null) {
                return;
            }
            seq = appendedSeq;
        }
        syncTo(seq);
    }

    /**
     * Makes the edits appended up to sequence {@code seq} durable. The file sync runs outside this set's
     * monitor, so an append (a commit point) never waits for another thread's sync; syncs are serialized
     * by {@code syncLock}, and one sync covers every edit appended before it started.
     */
    private void syncTo(long seq) throws IOException {
        synchronized (syncLock) {
            boolean rotate;
            synchronized (this) {
                rotate = rotationWanted && !closed && failure == null;
            }
            if (rotate) {
                rotateOffLock();
            }
            ManifestWriter writer;
            long upTo;
            Version version;
            synchronized (this) {
                if (syncedSeq >= seq) {
                    return; // a rotation or another sync got there first
                }
                checkUsable();
                writer = manifest;
                upTo = appendedSeq;
                version = logged;
                try {
                    writer.writeDeferred(); // under the monitor: appends add to the same buffer
                } catch (IOException | RuntimeException | Error e) {
                    fail(e, "write");
                    throw e;
                }
            }
            try {
                writer.sync();
            } catch (IOException | RuntimeException | Error e) {
                synchronized (this) {
                    if (writer != manifest || syncedSeq >= upTo) {
                        return; // rotated meanwhile: the new manifest was synced with all of it
                    }
                    if (closed) {
                        throw new StoreClosedException("version set of " + dir + " (closed during a manifest sync)");
                    }
                    fail(e, "sync");
                    throw e;
                }
            }
            synchronized (this) {
                if (syncedSeq < upTo) {
                    syncedSeq = upTo;
                    durable = version;
                }
            }
        }
    }

    /** Whether edits were appended since the last sync. */
    public synchronized boolean hasUnsynced() {
        return appendedSeq > syncedSeq;
    }

    /** REQUIRES: holding this. */
    private void checkUsable() throws IOException {
        if (closed) {
            throw new StoreClosedException("version set of " + dir);
        }
        if (failure != null) {
            throw new IOException("manifest " + FileNames.manifest(dir, manifestNumber)
                    + " is in an unknown state after an earlier write failure; reopen the store to recover", failure);
        }
    }

    /** Records the first failure: the set is unusable from now on. REQUIRES: holding this. */
    private void fail(Throwable e, String what) {
        if (failure == null) {
            failure = e;
        }
        LOG.error("manifest {} failed in {}; the store must be reopened: {}", what, dir, e.toString());
    }

    /** Closes the manifest file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (manifest != null) {
            manifest.close();
        }
    }

    /**
     * Rotates the manifest without holding this set's monitor across file writes and syncs, so appends
     * (commit points) go on meanwhile: the snapshot of the version as of now is written to a new manifest
     * while appends still go to the old one and are also kept in {@link #catchUp}; then, under the monitor,
     * the new manifest gets those records and becomes the one appended to; then it is synced and CURRENT
     * switched to it. Until that switch a crash replays the old manifest, which holds everything synced
     * (edits appended to the new one only are not synced yet: syncs wait on syncLock, held here).
     * REQUIRES: holding syncLock, not this.
     */
    private void rotateOffLock() throws IOException {
        long number;
        Version state;
        long next;
        synchronized (this) {
            rotationWanted = false;
            number = nextFileNumber.getAndIncrement();
            next = nextFileNumber.get();
            state = logged;
            catchUp = new ByteWriter(4096);
        }
        Path path = FileNames.manifest(dir, number);
        ManifestWriter writer = null;
        ManifestWriter old;
        long oldNumber;
        long switchedSeq;
        Version switched;
        long snapshotSize;
        try {
            writer = new ManifestWriter(fs.create(path));
            writer.addRecord(VersionEditCodec.encode(snapshotOf(state, next), true));
            snapshotSize = writer.size();
            synchronized (this) {
                checkUsable();
                writer.addFramed(catchUp);
                catchUp = null;
                old = manifest;
                oldNumber = manifestNumber;
                manifest = writer;
                switchedSeq = appendedSeq;
                switched = logged;
                snapshotBytes = snapshotSize;
            }
            writer.sync();
            // The new manifest's directory entry must be durable before CURRENT can name it.
            fs.syncDirectory(dir);
            CurrentFile.install(fs, dir, number);
        } catch (IOException | RuntimeException | Error e) {
            synchronized (this) {
                catchUp = null;
                if (writer != null && manifest != writer) {
                    closeQuietly(writer, e);
                }
                if (closed) {
                    throw new StoreClosedException("version set of " + dir + " (closed during a manifest rotation)");
                }
                fail(e, "rotation");
            }
            throw e;
        }
        synchronized (this) {
            manifestNumber = number;
            if (syncedSeq < switchedSeq) {
                syncedSeq = switchedSeq;
                durable = switched;
            }
        }
        old.close();
        if (oldNumber >= 0) {
            fs.delete(FileNames.manifest(dir, oldNumber));
        }
        LOG.debug("rotated manifest of {} to {} ({} bytes of snapshot)", dir, path.getFileName(), snapshotSize);
    }

    /**
     * Writes {@code state} as the snapshot of a new manifest, makes it durable, points CURRENT at it
     * and only then deletes the old manifest. REQUIRES: holding this.
     */
    private void rotate(Version state) throws IOException {
        long number = nextFileNumber.getAndIncrement();
        Path path = FileNames.manifest(dir, number);
        byte[] snapshot = VersionEditCodec.encode(snapshotOf(state, nextFileNumber.get()), true);
        ManifestWriter writer = new ManifestWriter(fs.create(path));
        try {
            writer.addRecord(snapshot);
            writer.sync();
            // The new manifest's directory entry must be durable before CURRENT can name it.
            fs.syncDirectory(dir);
            CurrentFile.install(fs, dir, number);
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer, e);
            throw e;
        }
        ManifestWriter old = manifest;
        long oldNumber = manifestNumber;
        manifest = writer;
        manifestNumber = number;
        snapshotBytes = writer.size();
        syncedSeq = appendedSeq;
        if (old != null) {
            old.close();
        }
        if (oldNumber >= 0) {
            fs.delete(FileNames.manifest(dir, oldNumber));
        }
        LOG.debug("rotated manifest of {} to {} ({} bytes of snapshot)", dir, path.getFileName(), snapshotBytes);
    }

    /** A snapshot edit: the whole of {@code v} as additions to an empty version. */
    static VersionEdit snapshotOf(Version v, long nextFileNumber) {
        VersionEdit.Builder b = VersionEdit.builder()
                .nextFileNumber(nextFileNumber)
                .lastRevision(v.lastRevision())
                .flushedRevision(v.flushedRevision())
                .trimHorizon(v.trimHorizon());
        if (!v.format().isEmpty()) {
            b.format(v.format());
        }
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                b.addFile(level, f);
            }
        }
        v.commitPoints().forEach(b::addCommitPoint);
        v.rolledBack().forEach(b::addRolledBack);
        return b.build();
    }

    /**
     * Checks the value format a user opens the store with against the recorded one: an empty
     * {@code requested} checks nothing; a store with no recorded format records {@code requested} (a new
     * store, or one written before formats were recorded); a different recorded format is refused.
     *
     * @throws StoreFormatMismatchException if the store records another non-empty format
     */
    public void checkFormat(String requested) throws IOException {
        if (requested.isEmpty() || requested.equals(current.format())) {
            return;
        }
        if (!current.format().isEmpty()) {
            throw new StoreFormatMismatchException(dir, current.format(), requested);
        }
        logAndApply(VersionEdit.builder().format(requested).build());
        LOG.info("recorded value format '{}' for {}", requested, dir);
    }

    /** Deletes manifests other than the live one and a stale CURRENT.tmp: leftovers of interrupted rotations. */
    private void deleteLeftovers() throws IOException {
        for (String name : fs.list(dir)) {
            boolean staleManifest = FileNames.kind(name) == FileNames.Kind.MANIFEST
                    && FileNames.number(name) != manifestNumber;
            if (staleManifest || name.equals(FileNames.CURRENT + FileNames.TEMP_SUFFIX)) {
                LOG.info("deleting leftover {} in {}", name, dir);
                fs.delete(dir.resolve(name));
            }
        }
    }

    /** The highest table or manifest number in the directory (temp files included), or 0. */
    private static long highestNumberIn(FileSystem fs, Path dir) throws IOException {
        long max = 0;
        for (String name : fs.list(dir)) {
            String base = name.endsWith(FileNames.TEMP_SUFFIX)
                    ? name.substring(0, name.length() - FileNames.TEMP_SUFFIX.length()) : name;
            max = Math.max(max, FileNames.number(base));
        }
        return max;
    }

    /**
     * Without CURRENT, only an interrupted creation may have left files: MANIFEST-000001 and temp
     * files. Anything else means CURRENT was lost, and creating an empty store would orphan the data.
     */
    private static void refuseToCreateOverFiles(FileSystem fs, Path dir, Path currentFile) throws IOException {
        List<String> found = new ArrayList<>();
        for (String name : fs.list(dir)) {
            FileNames.Kind kind = FileNames.kind(name);
            if (kind == FileNames.Kind.TABLE || (kind == FileNames.Kind.MANIFEST && FileNames.number(name) != 1)) {
                found.add(name);
            }
        }
        if (!found.isEmpty()) {
            throw new CorruptionException(currentFile, -1, "missing, but the directory holds store files "
                    + found + "; refusing to create a new store over them");
        }
    }

    private static void closeQuietly(ManifestWriter writer, Throwable primary) {
        try {
            writer.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
