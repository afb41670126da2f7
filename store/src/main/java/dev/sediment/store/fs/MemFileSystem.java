package dev.sediment.store.fs;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An in-memory {@link FileSystem} that can lose power: it keeps, like a real disk, what is merely written
 * apart from what is durable, and {@link #crashClone()} returns only the durable part.
 *
 * <p>Model (inodes, as on a POSIX file system):
 * <ul>
 *   <li>A directory maps names to inodes. Its <em>durable</em> entries are a copy of its entries taken
 *       at each {@link #syncDirectory}; creates, renames and deletes change only the current entries
 *       until then.</li>
 *   <li>An inode holds its current bytes (what reads and {@link #size} see) and its synced bytes,
 *       a copy of the current bytes taken by {@link WritableFile#sync()}.</li>
 *   <li>{@link #create} of an existing name truncates that inode in place ({@code O_TRUNC}): its entry
 *       needs no directory sync, but the old synced bytes survive a crash until the next file sync.</li>
 *   <li>{@link #createDirectories} and deleting an (empty) directory are durable at once: store code
 *       never relies on directory creation being lost, and modelling it would only add noise.</li>
 *   <li>Open handles keep their inode: an unlinked file stays readable, a renamed one writable.</li>
 *   <li>{@link #lock} is an exclusive in-memory lock per path (creating the file like a real lock).</li>
 * </ul>
 * A power loss keeps, in each directory, its durable entries, each with its inode's synced bytes;
 * open handles and locks are not carried over.
 *
 * <p>Crash points: {@link #crashAfterOperations(long)} lets exactly {@code n} mutating operations run
 * (create, append, sync, rename, delete, syncDirectory, createDirectories, lock), then, when the next one
 * is about to run, captures {@link #crashClone()} as {@link #crashedState()} and from then on fails every
 * call, reads included, with {@code IOException("simulated crash")} ({@link UncheckedIOException} from
 * methods that cannot throw IOException). {@code close()} of handles still succeeds so resources are
 * released. A crash test runs its workload once to learn {@link #operationCount()}, then once per crash
 * point {@code 0..count-1}, reopening the store on each crashed state.
 *
 * <p>Leaks: every open handle (writable, readable, lock) records the stack of where it was opened;
 * {@link #assertNoOpenHandles()} reports them.
 *
 * <p>Thread-safe: one lock guards the whole tree, so each call is atomic. Paths are compared after
 * {@code toAbsolutePath().normalize()}; the roots exist from the start.
 */
public final class MemFileSystem implements FileSystem {
    private static final String CRASH_MESSAGE = "simulated crash";

    /** Guards every field below and every directory and inode reachable from them. */
    private final Object mu = new Object();
    /** Every directory, by absolute normalized path. */
    private final TreeMap<Path, MemDirectory> dirs = new TreeMap<>();
    private final Set<Path> heldLocks = new HashSet<>();
    private final OpenHandles handles = new OpenHandles();

    private long operationCount;
    /** Mutating operations allowed before the crash, or -1 for never. */
    private long crashAfter = -1;
    private boolean crashed;
    private MemFileSystem crashedState;

    public MemFileSystem() {
    }

    // ---------------------------------------------------------------- FileSystem

    @Override
    public WritableFile create(Path file) throws IOException {
        Path path = normalize(file);
        synchronized (mu) {
            beginMutation();
            MemDirectory parent = parentOf(path);
            String name = nameOf(path);
            if (dirs.containsKey(path)) {
                throw new IOException(path + ": is a directory");
            }
            MemInode inode = parent.entries.get(name);
            if (inode == null) {
                inode = new MemInode();
                parent.entries.put(name, inode);
            } else {
                inode.truncateCurrent();
            }
            MemWritableFile handle = new MemWritableFile(path, inode);
            handles.opened(handle, "writable " + path);
            return handle;
        }
    }

    @Override
    public ReadableFile openReadable(Path file) throws IOException {
        Path path = normalize(file);
        synchronized (mu) {
            checkAlive();
            MemReadableFile handle = new MemReadableFile(path, inodeOf(path));
            handles.opened(handle, "readable " + path);
            return handle;
        }
    }

    @Override
    public boolean exists(Path file) {
        Path path = normalize(file);
        synchronized (mu) {
            if (crashed) {
                throw new UncheckedIOException(new IOException(CRASH_MESSAGE));
            }
            if (dirs.containsKey(path) || path.getParent() == null) {
                return true; // roots always exist
            }
            MemDirectory parent = dirs.get(path.getParent());
            return parent != null && parent.entries.containsKey(nameOf(path));
        }
    }

    @Override
    public long size(Path file) throws IOException {
        Path path = normalize(file);
        synchronized (mu) {
            checkAlive();
            return inodeOf(path).length();
        }
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        Path path = normalize(dir);
        synchronized (mu) {
            checkAlive();
            MemDirectory d = directory(path);
            TreeSet<String> names = new TreeSet<>(d.entries.keySet());
            for (Path sub : dirs.keySet()) {
                if (path.equals(sub.getParent())) {
                    names.add(nameOf(sub));
                }
            }
            return new ArrayList<>(names);
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Path src = normalize(from);
        Path dst = normalize(to);
        synchronized (mu) {
            beginMutation();
            if (dirs.containsKey(src)) {
                throw new IOException("rename " + src + " -> " + dst + ": renaming directories is not supported");
            }
            MemDirectory srcParent = parentOf(src);
            MemInode inode = srcParent.entries.get(nameOf(src));
            if (inode == null) {
                throw new NoSuchFileException(src.toString(), dst.toString(), "rename source does not exist");
            }
            MemDirectory dstParent = parentOf(dst);
            if (dirs.containsKey(dst)) {
                throw new IOException("rename " + src + " -> " + dst + ": target is a directory");
            }
            if (src.equals(dst)) {
                return;
            }
            srcParent.entries.remove(nameOf(src));
            dstParent.entries.put(nameOf(dst), inode);
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        Path path = normalize(file);
        synchronized (mu) {
            beginMutation();
            MemDirectory dir = dirs.get(path);
            if (dir != null) {
                if (!dir.entries.isEmpty() || hasSubdirectory(path)) {
                    throw new DirectoryNotEmptyException(path.toString());
                }
                dirs.remove(path);
                return;
            }
            MemDirectory parent = path.getParent() == null ? null : dirs.get(path.getParent());
            if (parent != null) {
                parent.entries.remove(nameOf(path));
            }
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Path path = normalize(dir);
        synchronized (mu) {
            beginMutation();
            List<Path> missing = new ArrayList<>();
            for (Path p = path; p != null && !dirs.containsKey(p); p = p.getParent()) {
                MemDirectory parent = p.getParent() == null ? null : dirs.get(p.getParent());
                if (parent != null && parent.entries.containsKey(nameOf(p))) {
                    throw new FileAlreadyExistsException(p.toString(), null, "a file is in the way of directory " + path);
                }
                missing.add(p);
            }
            for (Path p : missing) {
                dirs.put(p, new MemDirectory());
            }
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        Path path = normalize(dir);
        synchronized (mu) {
            beginMutation();
            directory(path).sync();
        }
    }

    @Override
    public FileLock lock(Path lockFile) throws IOException {
        Path path = normalize(lockFile);
        synchronized (mu) {
            beginMutation();
            MemDirectory parent = parentOf(path);
            if (dirs.containsKey(path)) {
                throw new IOException(path + ": cannot lock a directory");
            }
            if (!heldLocks.add(path)) {
                throw new IOException("lock held on " + path);
            }
            parent.entries.computeIfAbsent(nameOf(path), n -> new MemInode());
            MemFileLock lock = new MemFileLock(path);
            handles.opened(lock, "lock " + path);
            return lock;
        }
    }

    // ---------------------------------------------------------------- crashes

    /**
     * What would survive a power loss now: per directory its durable entries, each with its inode's
     * synced bytes. Inodes shared by several durable entries stay shared. Not counted as an operation.
     */
    public MemFileSystem crashClone() {
        synchronized (mu) {
            return crashCloneLocked();
        }
    }

    /**
     * What a process crash (SIGKILL) would leave now: every directory entry with every byte written, synced
     * or not, since the operating system keeps them. Not counted as an operation.
     */
    public MemFileSystem killClone() {
        synchronized (mu) {
            return cloneLocked(false);
        }
    }

    /**
     * Lets mutating operations run until {@code n} have run in total (counted from construction, see
     * {@link #operationCount()}); the next one crashes the file system before it runs. So {@code n = 0}
     * crashes at the first mutating operation, with the initial state as {@link #crashedState()}. If
     * {@code n} have already run, the very next mutating operation crashes.
     */
    public void crashAfterOperations(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative operation count " + n);
        }
        synchronized (mu) {
            crashAfter = n;
        }
    }

    /** The state captured when the crash point was reached, or null if it has not been reached. */
    public MemFileSystem crashedState() {
        synchronized (mu) {
            return crashedState;
        }
    }

    /** Whether a crash point was reached; from then on every call fails. */
    public boolean isCrashed() {
        synchronized (mu) {
            return crashed;
        }
    }

    /** Mutating operations run (or attempted) so far, not counting the one refused by a crash. */
    public long operationCount() {
        synchronized (mu) {
            return operationCount;
        }
    }

    // ---------------------------------------------------------------- leaks

    /** Handles (writable, readable, locks) opened and not yet closed. */
    public int openHandles() {
        return handles.count();
    }

    /** Throws an AssertionError naming each open handle with the stack trace of where it was opened. */
    public void assertNoOpenHandles() {
        handles.assertNone();
    }

    // ---------------------------------------------------------------- damage at rest (for tests)

    /** XORs one byte with {@code xorMask}, in the current and the synced bytes. */
    public void corrupt(Path file, long offset, byte xorMask) {
        synchronized (mu) {
            existingInode(file).xor(offset, xorMask);
        }
    }

    /** Cuts the file to at most {@code length} bytes, in the current and the synced bytes. */
    public void truncate(Path file, long length) {
        synchronized (mu) {
            existingInode(file).truncate(length);
        }
    }

    /** Zeroes {@code [offset, offset + length)}, in the current and the synced bytes. */
    public void zero(Path file, long offset, int length) {
        synchronized (mu) {
            existingInode(file).zero(offset, length);
        }
    }

    /** A copy of the file's current bytes. */
    public byte[] fileBytes(Path file) {
        synchronized (mu) {
            return existingInode(file).currentBytes();
        }
    }

    /** A copy of the file's synced bytes (what a crash would keep if its entry is durable). */
    public byte[] syncedBytes(Path file) {
        synchronized (mu) {
            return existingInode(file).syncedBytes();
        }
    }

    /** Every directory and file with its current and synced sizes, and whether its entry is durable. */
    public String toDebugString() {
        synchronized (mu) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<Path, MemDirectory> d : dirs.entrySet()) {
                sb.append(d.getKey()).append('/').append('\n');
                MemDirectory dir = d.getValue();
                TreeSet<String> names = new TreeSet<>(dir.entries.keySet());
                names.addAll(dir.durable.keySet());
                for (String name : names) {
                    MemInode current = dir.entries.get(name);
                    MemInode durable = dir.durable.get(name);
                    sb.append("  ").append(name);
                    if (current != null) {
                        sb.append(" size=").append(current.length()).append(" synced=").append(current.syncedLength());
                    }
                    if (durable == null) {
                        sb.append(" (entry not durable)");
                    } else if (current == null) {
                        sb.append(" (removed, durable entry synced=").append(durable.syncedLength()).append(')');
                    } else if (durable != current) {
                        sb.append(" (durable entry is another inode, synced=").append(durable.syncedLength()).append(')');
                    }
                    sb.append('\n');
                }
            }
            return sb.toString();
        }
    }

    @Override
    public String toString() {
        return "MemFileSystem" + (crashed ? "(crashed)" : "");
    }

    // ---------------------------------------------------------------- internals (all REQUIRE mu held)

    private MemFileSystem crashCloneLocked() {
        return cloneLocked(true);
    }

    /** A power loss's state ({@code durableOnly}: durable entries, synced bytes) or a process kill's (everything). */
    private MemFileSystem cloneLocked(boolean durableOnly) {
        MemFileSystem clone = new MemFileSystem();
        Map<MemInode, MemInode> copies = new IdentityHashMap<>();
        for (Map.Entry<Path, MemDirectory> d : dirs.entrySet()) {
            MemDirectory copy = new MemDirectory();
            Map<String, MemInode> entries = durableOnly ? d.getValue().durable : d.getValue().entries;
            for (Map.Entry<String, MemInode> e : entries.entrySet()) {
                copy.entries.put(e.getKey(), copies.computeIfAbsent(e.getValue(),
                        durableOnly ? MemInode::durableCopy : MemInode::writtenCopy));
            }
            copy.sync();
            clone.dirs.put(d.getKey(), copy);
        }
        return clone;
    }

    /** Counts a mutating operation, or crashes if this is the crash point. */
    private void beginMutation() throws IOException {
        checkAlive();
        if (operationCount == crashAfter) {
            crashedState = crashCloneLocked();
            crashed = true;
            throw new IOException(CRASH_MESSAGE);
        }
        operationCount++;
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException(CRASH_MESSAGE);
        }
    }

    private static Path normalize(Path p) {
        return Objects.requireNonNull(p, "path").toAbsolutePath().normalize();
    }

    private static String nameOf(Path path) {
        Path name = path.getFileName();
        return name == null ? "" : name.toString();
    }

    private MemDirectory directory(Path path) throws IOException {
        MemDirectory d = dirs.get(path);
        if (d == null) {
            if (path.getParent() == null) {
                d = new MemDirectory(); // roots always exist
                dirs.put(path, d);
                return d;
            }
            MemDirectory parent = dirs.get(path.getParent());
            if (parent != null && parent.entries.containsKey(nameOf(path))) {
                throw new NotDirectoryException(path.toString());
            }
            throw new NoSuchFileException(path.toString());
        }
        return d;
    }

    private MemDirectory parentOf(Path path) throws IOException {
        Path parent = path.getParent();
        if (parent == null) {
            throw new IOException(path + ": is a root directory");
        }
        MemDirectory d = dirs.get(parent);
        if (d == null && parent.getParent() != null) {
            throw new NoSuchFileException(path.toString(), null, "parent directory does not exist");
        }
        return directory(parent);
    }

    private MemInode inodeOf(Path path) throws IOException {
        if (dirs.containsKey(path)) {
            throw new IOException(path + ": is a directory");
        }
        MemDirectory parent = path.getParent() == null ? null : dirs.get(path.getParent());
        MemInode inode = parent == null ? null : parent.entries.get(nameOf(path));
        if (inode == null) {
            throw new NoSuchFileException(path.toString());
        }
        return inode;
    }

    private MemInode existingInode(Path file) {
        try {
            return inodeOf(normalize(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private boolean hasSubdirectory(Path path) {
        for (Path sub : dirs.keySet()) {
            if (path.equals(sub.getParent())) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- handles

    private final class MemWritableFile implements WritableFile {
        private final Path path;
        private final MemInode inode;
        private long size;
        private boolean closed;

        MemWritableFile(Path path, MemInode inode) {
            this.path = path;
            this.inode = inode;
        }

        @Override
        public void append(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            synchronized (mu) {
                checkOpen();
                beginMutation();
                inode.append(b, off, len);
                size += len;
            }
        }

        @Override
        public void sync() throws IOException {
            synchronized (mu) {
                checkOpen();
                beginMutation();
                inode.sync();
            }
        }

        @Override
        public long size() {
            synchronized (mu) {
                if (crashed) {
                    throw new UncheckedIOException(new IOException(CRASH_MESSAGE));
                }
                return size;
            }
        }

        @Override
        public void close() {
            synchronized (mu) {
                closed = true;
            }
            handles.closed(this);
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException(path + ": file is closed");
            }
        }
    }

    private final class MemReadableFile implements ReadableFile {
        private final Path path;
        private final MemInode inode;
        private boolean closed;

        MemReadableFile(Path path, MemInode inode) {
            this.path = path;
            this.inode = inode;
        }

        @Override
        public void readFully(long position, byte[] dst, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, dst.length);
            synchronized (mu) {
                checkAlive();
                if (closed) {
                    throw new IOException(path + ": file is closed");
                }
                if (position < 0 || position + len > inode.length()) {
                    throw new EOFException(path + ": read of " + len + " bytes at " + position
                            + " past end of file (" + inode.length() + " bytes)");
                }
                inode.read(position, dst, off, len);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (mu) {
                checkAlive();
                return inode.length();
            }
        }

        @Override
        public void close() {
            synchronized (mu) {
                closed = true;
            }
            handles.closed(this);
        }
    }

    private final class MemFileLock implements FileLock {
        private final Path path;
        private boolean closed;

        MemFileLock(Path path) {
            this.path = path;
        }

        @Override
        public void close() {
            synchronized (mu) {
                if (closed) {
                    return;
                }
                closed = true;
                heldLocks.remove(path);
            }
            handles.closed(this);
        }
    }
}
