package dev.sediment.store.engine;

import dev.sediment.store.fs.FileLock;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.fs.WritableFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A file system whose MANIFEST syncs (and, if asked, creations) wait while the gate is closed. */
final class GatedSyncFileSystem implements FileSystem {
    private final FileSystem delegate;
    final CountDownLatch entered = new CountDownLatch(1);
    private final Object gate = new Object();
    private boolean closed; // guarded by gate

    private final boolean gateCreates;

    GatedSyncFileSystem(FileSystem delegate) {
        this(delegate, false);
    }

    /** With {@code gateCreates}, creating a MANIFEST file waits at the gate too (a rotation before its snapshot). */
    GatedSyncFileSystem(FileSystem delegate, boolean gateCreates) {
        this.delegate = delegate;
        this.gateCreates = gateCreates;
    }

    void close() {
        synchronized (gate) {
            closed = true;
        }
    }

    void open() {
        synchronized (gate) {
            closed = false;
            gate.notifyAll();
        }
    }

    private void pass() throws IOException {
        synchronized (gate) {
            if (closed) {
                entered.countDown();
            }
            while (closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted at the sync gate", e);
                }
            }
        }
    }

    @Override
    public WritableFile create(Path file) throws IOException {
        boolean manifest = file.getFileName().toString().startsWith("MANIFEST-");
        if (manifest && gateCreates) {
            pass();
        }
        WritableFile f = delegate.create(file);
        if (!manifest) {
            return f;
        }
        return new WritableFile() {
            @Override
            public void append(byte[] b, int off, int len) throws IOException {
                f.append(b, off, len);
            }

            @Override
            public void sync() throws IOException {
                pass();
                f.sync();
            }

            @Override
            public long size() {
                return f.size();
            }

            @Override
            public void close() throws IOException {
                f.close();
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
