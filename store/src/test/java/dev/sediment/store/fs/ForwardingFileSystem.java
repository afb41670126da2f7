package dev.sediment.store.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A file system that hands every call to another: tests override the calls they gate or observe. */
public abstract class ForwardingFileSystem implements FileSystem {
    protected final FileSystem delegate;

    protected ForwardingFileSystem(FileSystem delegate) {
        this.delegate = delegate;
    }

    @Override
    public WritableFile create(Path file) throws IOException {
        return delegate.create(file);
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
        delegate.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
        delegate.delete(file);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        delegate.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        delegate.syncDirectory(dir);
    }

    @Override
    public FileLock lock(Path lockFile) throws IOException {
        return delegate.lock(lockFile);
    }
}
