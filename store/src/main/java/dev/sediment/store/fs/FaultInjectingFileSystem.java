package dev.sediment.store.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Wraps a {@link FileSystem} and fails chosen operations, so error paths (a failed sync, a full disk, a
 * rename that does not happen) are ordinary tests. Handles it returns are wrapped too: {@link Op#READ},
 * {@link Op#APPEND} and {@link Op#SYNC} faults apply to them.
 *
 * <p>Rules are consulted in the order they were added; the first that fires fails the call with an
 * {@link InjectedFaultException} naming the operation and the path, before the delegate is called
 * (so a failed call changes nothing). A rule that does not fire has still seen the call (it counts
 * toward {@code failAfter}, and a random rule has drawn a number). Never failed: {@code exists},
 * {@code size}, {@code createDirectories}, handle {@code size} and {@code close}.
 *
 * <p>Random faults use a private {@link Random} per rule, so a single-threaded workload that makes the
 * same calls fails at the same places for the same seed.
 *
 * <p>Thread-safe if the delegate is: rule state is guarded by one lock.
 */
public final class FaultInjectingFileSystem implements FileSystem {
    /** The operations that can be failed. */
    public enum Op { CREATE, OPEN, READ, APPEND, SYNC, RENAME, DELETE, LIST, SYNC_DIR, LOCK }

    /** An I/O error that was injected, not real; the message names the operation and the path. */
    public static final class InjectedFaultException extends IOException {
        private static final long serialVersionUID = 1L;
        private final Op op;

        InjectedFaultException(Op op, String message) {
            super(message);
            this.op = op;
        }

        public Op op() {
            return op;
        }
    }

    private final FileSystem delegate;
    private final Object mu = new Object();
    /** Guarded by mu. */
    private final List<Rule> rules = new ArrayList<>();
    /** Bytes appends may still write before the disk is full, or -1 for no limit. Guarded by mu. */
    private long bytesUntilFull = -1;
    /** Guarded by mu. */
    private long injectedFaults;

    public FaultInjectingFileSystem(FileSystem delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    // ---------------------------------------------------------------- rules

    /** Fails every {@code op} on a path matching {@code paths}. */
    public FaultInjectingFileSystem failAlways(Op op, Predicate<Path> paths) {
        return addRule(new CountingRule(op, paths, 0, false));
    }

    /** Fails the first {@code op} on a path matching {@code paths}; later calls succeed. */
    public FaultInjectingFileSystem failOnce(Op op, Predicate<Path> paths) {
        return addRule(new CountingRule(op, paths, 0, true));
    }

    /**
     * Lets the first {@code successesFirst} matching calls succeed, then throws an {@link InjectedError} at the
     * next {@code op} on a path matching {@code paths}, once: an {@link Error} where a real one (an
     * {@link OutOfMemoryError}, say) could strike, which background work must survive without leaving its
     * callers waiting forever.
     */
    public FaultInjectingFileSystem errorOnce(Op op, Predicate<Path> paths, int successesFirst) {
        if (successesFirst < 0) {
            throw new IllegalArgumentException("negative successesFirst " + successesFirst);
        }
        return addRule(new CountingRule(op, paths, successesFirst, true).asError());
    }

    /** The {@link Error} {@link #errorOnce} throws. */
    public static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super(message);
        }
    }

    /**
     * Lets the first {@code successesFirst} matching calls succeed, then fails every later one (a disk
     * that stops working).
     */
    public FaultInjectingFileSystem failAfter(Op op, Predicate<Path> paths, int successesFirst) {
        if (successesFirst < 0) {
            throw new IllegalArgumentException("negative successesFirst " + successesFirst);
        }
        return addRule(new CountingRule(op, paths, successesFirst, false));
    }

    /**
     * Lets appends (to any file, counted from now) write {@code totalBytes} in all; an append that
     * would go past that writes nothing and throws {@code IOException("No space left on device ...")}.
     * Calls after it fail the same way unless they fit in what is left.
     */
    public FaultInjectingFileSystem diskFullAfterBytes(long totalBytes) {
        if (totalBytes < 0) {
            throw new IllegalArgumentException("negative byte count " + totalBytes);
        }
        synchronized (mu) {
            bytesUntilFull = totalBytes;
        }
        return this;
    }

    /** Fails each call of the given operations (all if none given) with {@code probability}, drawn from {@code new Random(seed)}. */
    public FaultInjectingFileSystem failRandomly(long seed, double probability, Op... ops) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability " + probability + " is not in [0, 1]");
        }
        EnumSet<Op> set = ops.length == 0 ? EnumSet.allOf(Op.class) : EnumSet.of(ops[0], ops);
        return addRule(new RandomRule(new Random(seed), probability, set));
    }

    /** Removes every rule and the disk limit; the count of injected faults is kept. */
    public void clearFaults() {
        synchronized (mu) {
            rules.clear();
            bytesUntilFull = -1;
        }
    }

    /** How many faults have been injected since construction. */
    public long injectedFaults() {
        synchronized (mu) {
            return injectedFaults;
        }
    }

    // ---------------------------------------------------------------- FileSystem

    @Override
    public WritableFile create(Path file) throws IOException {
        check(Op.CREATE, file, null);
        return new FaultInjectingWritableFile(file, delegate.create(file));
    }

    @Override
    public ReadableFile openReadable(Path file) throws IOException {
        check(Op.OPEN, file, null);
        return new FaultInjectingReadableFile(file, delegate.openReadable(file));
    }

    @Override
    public boolean exists(Path file) {
        return delegate.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return delegate.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        check(Op.LIST, dir, null);
        return delegate.list(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        check(Op.RENAME, from, to);
        delegate.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
        check(Op.DELETE, file, null);
        delegate.delete(file);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        check(Op.SYNC_DIR, dir, null);
        delegate.syncDirectory(dir);
    }

    @Override
    public FileLock lock(Path lockFile) throws IOException {
        check(Op.LOCK, lockFile, null);
        return delegate.lock(lockFile);
    }

    // ---------------------------------------------------------------- internals

    private FaultInjectingFileSystem addRule(Rule rule) {
        synchronized (mu) {
            rules.add(rule);
        }
        return this;
    }

    /** Throws if a rule fires for {@code op} on {@code path} (and {@code other}, the rename target). */
    private void check(Op op, Path path, Path other) throws InjectedFaultException {
        synchronized (mu) {
            for (Rule rule : rules) {
                if (rule.fires(op, path, other)) {
                    injectedFaults++;
                    if (rule instanceof CountingRule c && c.error) {
                        throw new InjectedError("injected error: " + op + " " + path);
                    }
                    throw new InjectedFaultException(op, "injected fault: " + op + " " + path
                            + (other == null ? "" : " -> " + other));
                }
            }
        }
    }

    private void reserveBytes(Path path, int len) throws InjectedFaultException {
        synchronized (mu) {
            if (bytesUntilFull < 0) {
                return;
            }
            if (len > bytesUntilFull) {
                injectedFaults++;
                throw new InjectedFaultException(Op.APPEND, "No space left on device (injected): APPEND of " + len
                        + " bytes to " + path + ", " + bytesUntilFull + " bytes left");
            }
            bytesUntilFull -= len;
        }
    }

    /** Decides whether one call fails. Guarded by the file system's lock. */
    private interface Rule {
        boolean fires(Op op, Path path, Path other);
    }

    private static final class CountingRule implements Rule {
        private final Op op;
        private final Predicate<Path> paths;
        private final boolean once;
        private long successesLeft;
        private boolean spent;
        /** Whether it throws an {@link InjectedError} instead of an {@link InjectedFaultException}. */
        private boolean error;

        CountingRule(Op op, Predicate<Path> paths, long successesFirst, boolean once) {
            this.op = Objects.requireNonNull(op, "op");
            this.paths = Objects.requireNonNull(paths, "paths");
            this.successesLeft = successesFirst;
            this.once = once;
        }

        CountingRule asError() {
            error = true;
            return this;
        }

        @Override
        public boolean fires(Op callOp, Path path, Path other) {
            if (spent || callOp != op || !(paths.test(path) || (other != null && paths.test(other)))) {
                return false;
            }
            if (successesLeft > 0) {
                successesLeft--;
                return false;
            }
            spent = once;
            return true;
        }
    }

    private static final class RandomRule implements Rule {
        private final Random random;
        private final double probability;
        private final EnumSet<Op> ops;

        RandomRule(Random random, double probability, EnumSet<Op> ops) {
            this.random = random;
            this.probability = probability;
            this.ops = ops;
        }

        @Override
        public boolean fires(Op op, Path path, Path other) {
            return ops.contains(op) && random.nextDouble() < probability;
        }
    }

    private final class FaultInjectingWritableFile implements WritableFile {
        private final Path path;
        private final WritableFile file;

        FaultInjectingWritableFile(Path path, WritableFile file) {
            this.path = path;
            this.file = file;
        }

        @Override
        public void append(byte[] b, int off, int len) throws IOException {
            check(Op.APPEND, path, null);
            reserveBytes(path, len);
            file.append(b, off, len);
        }

        @Override
        public void sync() throws IOException {
            check(Op.SYNC, path, null);
            file.sync();
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private final class FaultInjectingReadableFile implements ReadableFile {
        private final Path path;
        private final ReadableFile file;

        FaultInjectingReadableFile(Path path, ReadableFile file) {
            this.path = path;
            this.file = file;
        }

        @Override
        public void readFully(long position, byte[] dst, int off, int len) throws IOException {
            check(Op.READ, path, null);
            file.readFully(position, dst, off, len);
        }

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            check(Op.READ, path, null);
            file.readFully(position, dst);
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
