package dev.sediment.store.manifest;

import dev.sediment.store.fs.FileLock;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.fs.WritableFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;

/** Test-only: delegates to another file system and throws IOException on the operations {@link #failOn} selects. */
final class FaultInjectingFileSystem implements FileSystem {
    enum Op { CREATE, APPEND, SYNC, RENAME, DELETE, SYNC_DIR }

    private final FileSystem delegate;
    private volatile BiPredicate<Op, Path> fault = (op, path) -> false;

    FaultInjectingFileSystem(FileSystem delegate) {
        this.delegate = delegate;
    }

    /** From now on, fail every operation {@code op} on a file whose name starts with {@code namePrefix}. */
    void failOn(Op op, String namePrefix) {
        fault = (o, p) -> o == op && p.getFileName().toString().startsWith(namePrefix);
    }

    void heal() {
        fault = (op, path) -> false;
    }

    private void maybeFail(Op op, Path path) throws IOException {
        if (fault.test(op, path)) {
            throw new IOException("injected fault: " + op + " " + path);
        }
    }

    @Override
    public WritableFile create(Path file) throws IOException {
        maybeFail(Op.CREATE, file);
        WritableFile w = delegate.create(file);
        return new WritableFile() {
            @Override
            public void append(byte[] b, int off, int len) throws IOException {
                maybeFail(Op.APPEND, file);
                w.append(b, off, len);
            }

            @Override
            public void sync() throws IOException {
                maybeFail(Op.SYNC, file);
                w.sync();
            }

            @Override
            public long size() {
                return w.size();
            }

            @Override
            public void close() throws IOException {
                w.close();
            }
        };
    }

    @Override
    public ReadableFile openReadable(Path file) throws IOException {
        return delegate.openReadable(file);
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
        return delegate.list(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        maybeFail(Op.RENAME, to);
        delegate.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
        maybeFail(Op.DELETE, file);
        delegate.delete(file);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        maybeFail(Op.SYNC_DIR, dir);
        delegate.syncDirectory(dir);
    }

    @Override
    public FileLock lock(Path lockFile) throws IOException {
        return delegate.lock(lockFile);
    }
}
