package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.OpenTableBudget;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.sstable.TableReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Open {@link TableReader}s, at most {@code capacity} of them (LRU). A reader in use is never closed:
 * each {@link Handle} holds a reference, and an evicted reader closes when its last handle is released.
 * Thread-safe.
 */
final class TableCache implements AutoCloseable, OpenTableBudget.Member {
    private final FileSystem fs;
    private final Path dir;
    private final BlockCache blockCache;
    private final int capacity;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private boolean closed;
    /** The runtime's JVM-wide bound on open tables, or null. */
    private final OpenTableBudget budget;

    TableCache(FileSystem fs, Path dir, BlockCache blockCache, int capacity) {
        this(fs, dir, blockCache, capacity, null);
    }

    TableCache(FileSystem fs, Path dir, BlockCache blockCache, int capacity, OpenTableBudget budget) {
        this.fs = fs;
        this.dir = dir;
        this.blockCache = blockCache;
        this.capacity = capacity;
        this.budget = budget;
        if (budget != null) {
            budget.register(this);
        }
    }

    /** A reference to an open table; release it exactly once. */
    static final class Handle {
        private final TableCache cache;
        private final Entry entry;
        private boolean released;

        private Handle(TableCache cache, Entry entry) {
            this.cache = cache;
            this.entry = entry;
        }

        TableReader reader() {
            return entry.reader;
        }

        void release() {
            if (!released) {
                released = true;
                cache.release(entry);
            }
        }
    }

    private static final class Entry {
        final long fileNumber;
        final TableReader reader;
        int refs = 1; // the cache's own reference while cached
        boolean cached = true;

        Entry(long fileNumber, TableReader reader) {
            this.fileNumber = fileNumber;
            this.reader = reader;
        }
    }

    /** Opens (or finds) table {@code fileNumber}. Throws CorruptionException or StoreIOException naming the file. */
    Handle acquire(long fileNumber) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("table cache closed");
            }
            Entry e = entries.get(fileNumber);
            if (e != null) {
                e.refs++;
                return new Handle(this, e);
            }
        }
        // Open outside the lock: it reads the footer, index and filter.
        Path path = FileNames.table(dir, fileNumber);
        Handle handle;
        TableReader reader;
        ReadableFile file = null;
        try {
            file = fs.openReadable(path);
            reader = TableReader.open(path, file, blockCache);
        } catch (IOException e) {
            closeQuietly(file);
            throw new StoreIOException("cannot open table " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
        synchronized (this) {
            Entry existing = entries.get(fileNumber);
            if (existing != null || closed) {
                reader.close();
                if (closed) {
                    throw new IllegalStateException("table cache closed");
                }
                existing.refs++;
                return new Handle(this, existing);
            }
            Entry e = new Entry(fileNumber, reader);
            entries.put(fileNumber, e);
            if (budget != null) {
                budget.opened();
            }
            e.refs++;
            evictOverCapacity();
            handle = new Handle(this, e);
        }
        if (budget != null) {
            budget.enforce(); // outside our lock: it may evict from other stores' caches
        }
        return handle;
    }

    @Override
    public synchronized boolean evictLeastRecentlyUsed() {
        Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Entry e = it.next().getValue();
        it.remove();
        uncache(e);
        return true;
    }

    private static void closeQuietly(ReadableFile f) {
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private void evictOverCapacity() {
        Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            Entry e = it.next().getValue();
            it.remove();
            uncache(e);
        }
    }

    private void uncache(Entry e) {
        e.cached = false;
        if (budget != null) {
            budget.closed();
        }
        if (--e.refs == 0) {
            e.reader.close();
        }
    }

    private synchronized void release(Entry e) {
        if (--e.refs == 0) {
            e.reader.close();
        }
    }

    /** Drops a table whose file is being deleted; open handles keep it readable until released. */
    synchronized void evict(long fileNumber) {
        Entry e = entries.remove(fileNumber);
        if (e != null) {
            uncache(e);
        }
    }

    @Override
    public synchronized int openTables() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Entry e : entries.values()) {
            uncache(e);
        }
        entries.clear();
        if (budget != null) {
            budget.unregister(this);
        }
    }
}
