package dev.sediment.store.engine;

import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ForwardingFileSystem;
import dev.sediment.store.fs.WritableFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** A file system whose MANIFEST syncs (and, if asked, creations) wait while the gate is closed. */
final class GatedSyncFileSystem extends ForwardingFileSystem {
    final CountDownLatch entered = new CountDownLatch(1);
    private final Object gate = new Object();
    private boolean closed; // guarded by gate

    private final boolean gateCreates;

    GatedSyncFileSystem(FileSystem delegate) {
        this(delegate, false);
    }

    /** With {@code gateCreates}, creating a MANIFEST file waits at the gate too (a rotation before its snapshot). */
    GatedSyncFileSystem(FileSystem delegate, boolean gateCreates) {
        super(delegate);
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
}
