package dev.sediment.store.fs;

import java.io.Closeable;
import java.io.IOException;

/** An exclusive lock on a store directory; released by {@link #close()} (idempotent). */
public interface FileLock extends Closeable {
    @Override
    void close() throws IOException;
}
