package dev.sediment.store.engine;

import dev.sediment.store.BlockCache;
import dev.sediment.store.OpenTableBudget;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.sstable.CacheFill;
import dev.sediment.store.sstable.TableReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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
    private volatile boolean closed;
    /** The runtime's JVM-wide bound on open tables, or null. */
    private final OpenTableBudget budget;
    /** Tables being written or written but not opened yet, by file number: the id their blocks are cached under. */
    private final Map<Long, Long> filledIds = new HashMap<>();

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

    static final class Entry {
        final long fileNumber;
        final TableReader reader;
        /** The cache's own reference while cached, plus one per handle; the reader closes at 0. */
        final AtomicInteger refs = new AtomicInteger(1);
        boolean cached = true;
        /** Set by every acquire, cleared by eviction's second-chance pass (CLOCK over the LRU order). */
        volatile boolean referenced;

        Entry(long fileNumber, TableReader reader) {
            this.fileNumber = fileNumber;
            this.reader = reader;
        }

        /** A reference unless the reader is already closed. */
        boolean tryRef() {
            while (true) {
                int n = refs.get();
                if (n <= 0) {
                    return false;
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void unref() {
            if (refs.decrementAndGet() == 0) {
                reader.close();
            }
        }

        TableReader reader() {
            return reader;
        }

        /** Releases a {@link TableCache#pin}. */
        void unpin() {
            unref();
        }
    }

    /**
     * The cached entries by file number for lock-free lookups: open addressing, rebuilt under the lock
     * whenever the cached set changes (tables open far less often than they are read).
     */
    private volatile Entry[] lookup = new Entry[0];

    private static int slot(long fileNumber, int mask) {
        long h = fileNumber * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void rebuildLookupLocked() {
        int size = Integer.highestOneBit(Math.max(4, entries.size() * 2 + 1) * 2 - 1);
        Entry[] t = new Entry[size];
        for (Entry e : entries.values()) {
            int i = slot(e.fileNumber, size - 1);
            while (t[i] != null) {
                i = (i + 1) & (size - 1);
            }
            t[i] = e;
        }
        lookup = t;
    }

    /** The cached entry of {@code fileNumber} in the lock-free table, or null; takes no reference. */
    private Entry find(long fileNumber) {
        Entry[] t = lookup;
        if (t.length == 0) {
            return null;
        }
        int mask = t.length - 1;
        for (int i = slot(fileNumber, mask); t[i] != null; i = (i + 1) & mask) {
            if (t[i].fileNumber == fileNumber) {
                return t[i];
            }
        }
        return null;
    }

    /** A referenced cached entry without locking or allocating, or null (then take the locked path). */
    private Entry acquireFast(long fileNumber) {
        Entry e = find(fileNumber);
        if (e == null || !e.tryRef()) {
            return null;
        }
        e.referenced = true;
        return e;
    }

    /**
     * The cached reader of table {@code fileNumber} without taking a reference, or null if it is not cached:
     * for its bloom filter only. The reader may close at any moment, but a table file never changes, so its
     * filter (an immutable array the reader keeps) answers for that file all the same. A point read checks the
     * filter of every L0 table and of a table per level, and most say no: this spares each of those the two
     * atomic updates of {@link #pin} and its release.
     */
    TableReader peek(long fileNumber) {
        Entry e = find(fileNumber);
        if (e == null) {
            return null;
        }
        if (!e.referenced) {
            e.referenced = true; // in use: the eviction's second chance applies
        }
        return e.reader;
    }

    /**
     * Pins table {@code fileNumber} for a point read: the {@link Handle}-free form of {@link #acquire}, which
     * allocates nothing when the table is open. Call {@link Entry#unpin()} exactly once.
     */
    Entry pin(long fileNumber) {
        Entry e = closed ? null : acquireFast(fileNumber);
        return e != null ? e : acquire(fileNumber).entry; // the handle's reference passes to the caller
    }

    /**
     * Where the writer of table {@code fileNumber} puts its data blocks so that reads of the new table hit the
     * cache ({@link CacheFill}), or null without a block cache. The table's reader, once opened, reads them under
     * the same id. If the table is not kept, call {@link #dropFill}.
     */
    CacheFill fill(long fileNumber) {
        if (blockCache == null) {
            return null;
        }
        long id = BlockCache.newTableId();
        synchronized (this) {
            filledIds.put(fileNumber, id);
        }
        return new CacheFill(blockCache, id);
    }

    /** Drops the blocks a {@link #fill} put in the cache for a table that was never opened (its file is gone). */
    void dropFill(long fileNumber) {
        Long id;
        synchronized (this) {
            id = filledIds.remove(fileNumber);
        }
        if (id != null) {
            blockCache.evictTable(id);
        }
    }

    /** Opens (or finds) table {@code fileNumber}. Throws CorruptionException or StoreIOException naming the file. */
    Handle acquire(long fileNumber) {
        Entry fast = closed ? null : acquireFast(fileNumber);
        if (fast != null) {
            return new Handle(this, fast);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("table cache closed");
            }
            Entry e = entries.get(fileNumber);
            if (e != null && e.tryRef()) {
                e.referenced = true;
                return new Handle(this, e);
            }
        }
        // Open outside the lock: it reads the footer, index and filter.
        Long filledId;
        synchronized (this) {
            filledId = filledIds.remove(fileNumber);
        }
        Path path = FileNames.table(dir, fileNumber);
        Handle handle;
        TableReader reader;
        ReadableFile file = null;
        try {
            file = fs.openReadable(path);
            reader = filledId == null ? TableReader.open(path, file, blockCache)
                    : TableReader.open(path, file, blockCache, filledId);
        } catch (IOException e) {
            // The file is there but does not open: keep its blocks for a retry (or dropFill when it is deleted).
            restoreFill(fileNumber, filledId);
            closeQuietly(file);
            throw new StoreIOException("cannot open table " + path, e);
        } catch (RuntimeException e) {
            restoreFill(fileNumber, filledId);
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
                if (existing.tryRef()) {
                    return new Handle(this, existing);
                }
                throw new IllegalStateException("table " + fileNumber + " closed while cached");
            }
            Entry e = new Entry(fileNumber, reader);
            entries.put(fileNumber, e);
            if (budget != null) {
                budget.opened();
            }
            e.refs.incrementAndGet();
            evictOverCapacity();
            rebuildLookupLocked();
            handle = new Handle(this, e);
        }
        if (budget != null) {
            budget.enforce(); // outside our lock: it may evict from other stores' caches
        }
        return handle;
    }

    @Override
    public synchronized boolean evictLeastRecentlyUsed() {
        Entry e = victimLocked();
        if (e == null) {
            return false;
        }
        entries.remove(e.fileNumber);
        uncache(e);
        rebuildLookupLocked();
        return true;
    }

    /**
     * The least recently used entry not acquired since the last pass: lock-free acquires cannot reorder the
     * access-ordered map, so they set {@code referenced}, and an entry found with it set gets a second chance
     * (moved to the recent end, bit cleared). Null if empty.
     */
    private Entry victimLocked() {
        for (int pass = 0; pass <= entries.size(); pass++) {
            Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
            if (!it.hasNext()) {
                return null;
            }
            Entry e = it.next().getValue();
            if (!e.referenced) {
                return e;
            }
            e.referenced = false;
            entries.get(e.fileNumber); // access order: to the recent end
        }
        return entries.values().iterator().next();
    }

    private synchronized void restoreFill(long fileNumber, Long filledId) {
        if (filledId != null) {
            filledIds.putIfAbsent(fileNumber, filledId);
        }
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
        while (entries.size() > capacity) {
            Entry e = victimLocked();
            entries.remove(e.fileNumber);
            uncache(e);
        }
    }

    private void uncache(Entry e) {
        e.cached = false;
        if (budget != null) {
            budget.closed();
        }
        e.unref();
    }

    private void release(Entry e) {
        e.unref();
    }

    /** Drops a table whose file is being deleted; open handles keep it readable until released. */
    void evict(long fileNumber) {
        synchronized (this) {
            Entry e = entries.remove(fileNumber);
            if (e != null) {
                uncache(e);
                rebuildLookupLocked();
            }
        }
        dropFill(fileNumber);
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
        lookup = new Entry[0];
        for (long id : filledIds.values()) {
            blockCache.evictTable(id);
        }
        filledIds.clear();
        if (budget != null) {
            budget.unregister(this);
        }
    }
}
