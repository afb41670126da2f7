package dev.sediment.store.engine;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.List;

/**
 * Iterates the tables of one sorted run (a level L1+, or a single L0 file) in key order, opening one
 * table at a time through the {@link TableCache}. REQUIRES: {@code files} sorted by key and not
 * overlapping.
 */
final class LevelIterator implements InternalIterator {
    private final TableCache tables;
    private final List<FileMetadata> files;
    private final boolean fillCache;
    private int index = -1;
    private TableCache.Handle handle;
    private InternalIterator current;

    LevelIterator(TableCache tables, List<FileMetadata> files) {
        this(tables, files, true);
    }

    /** @param fillCache whether the blocks it reads go into the block cache (false for compactions) */
    LevelIterator(TableCache tables, List<FileMetadata> files, boolean fillCache) {
        this.tables = tables;
        this.files = files;
        this.fillCache = fillCache;
    }

    private void open(int i) {
        if (i == index && current != null) {
            return;
        }
        closeCurrent();
        index = i;
        if (i < 0 || i >= files.size()) {
            return;
        }
        handle = tables.acquire(files.get(i).fileNumber());
        try {
            current = handle.reader().iterator(fillCache);
        } catch (RuntimeException e) {
            handle.release();
            handle = null;
            throw e;
        }
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
        if (handle != null) {
            handle.release();
            handle = null;
        }
    }

    /** First file whose largest key is at or after the target, or files.size(). */
    private int firstFileNotBefore(byte[] key, long trailer) {
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            FileMetadata f = files.get(mid);
            if (InternalKeys.compare(f.largestKey(), f.largestTrailer(), key, trailer) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Last file whose smallest key is at or before the target, or -1. */
    private int lastFileNotAfter(byte[] key, long trailer) {
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            FileMetadata f = files.get(mid);
            if (InternalKeys.compare(f.smallestKey(), f.smallestTrailer(), key, trailer) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private void skipForward() {
        while (current != null && !current.valid()) {
            if (index + 1 >= files.size()) {
                closeCurrent();
                index = files.size();
                return;
            }
            open(index + 1);
            current.seekToFirst();
        }
    }

    private void skipBackward() {
        while (current != null && !current.valid()) {
            if (index - 1 < 0) {
                closeCurrent();
                index = -1;
                return;
            }
            open(index - 1);
            current.seekToLast();
        }
    }

    @Override
    public boolean valid() {
        return current != null && current.valid();
    }

    @Override
    public void seekToFirst() {
        if (files.isEmpty()) {
            return;
        }
        open(0);
        current.seekToFirst();
        skipForward();
    }

    @Override
    public void seekToLast() {
        if (files.isEmpty()) {
            return;
        }
        open(files.size() - 1);
        current.seekToLast();
        skipBackward();
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        int i = firstFileNotBefore(userKey, trailer);
        if (i >= files.size()) {
            closeCurrent();
            index = files.size();
            return;
        }
        open(i);
        current.seek(userKey, trailer);
        skipForward();
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        int i = lastFileNotAfter(userKey, trailer);
        if (i < 0) {
            closeCurrent();
            index = -1;
            return;
        }
        open(i);
        current.seekForPrev(userKey, trailer);
        skipBackward();
    }

    @Override
    public void next() {
        current.next();
        skipForward();
    }

    @Override
    public void prev() {
        current.prev();
        skipBackward();
    }

    @Override
    public byte[] userKey() {
        return current.userKey();
    }

    @Override
    public long trailer() {
        return current.trailer();
    }

    @Override
    public byte[] value() {
        return current.value();
    }

    @Override
    public byte[] valueArray() {
        return current.valueArray();
    }

    @Override
    public int valueOffset() {
        return current.valueOffset();
    }

    @Override
    public int valueLength() {
        return current.valueLength();
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
