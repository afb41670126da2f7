package dev.sediment.store.memtable;

import dev.sediment.store.iterator.InternalIterator;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Iterates a memtable's skip list. Keeps a live {@link Iterator} over the tail (forward) or head
 * (reverse) of the map, so each step is O(1) amortised; a direction change re-anchors at the
 * current key. The skip list's iterators are weakly consistent: entries added concurrently may or
 * may not be seen, which is harmless because readers filter by snapshot revision.
 */
final class MemTableIterator implements InternalIterator {
    private final ConcurrentSkipListMap<MemKey, byte[]> map;
    private Iterator<Map.Entry<MemKey, byte[]>> cursor;
    private boolean forward;
    private MemKey key;
    private byte[] value;

    MemTableIterator(ConcurrentSkipListMap<MemKey, byte[]> map) {
        this.map = map;
    }

    private void start(NavigableMap<MemKey, byte[]> view, boolean forward) {
        this.forward = forward;
        this.cursor = view.entrySet().iterator();
        step();
    }

    private void step() {
        if (cursor.hasNext()) {
            Map.Entry<MemKey, byte[]> e = cursor.next();
            key = e.getKey();
            value = e.getValue();
        } else {
            key = null;
            value = null;
        }
    }

    @Override
    public boolean valid() {
        return key != null;
    }

    @Override
    public void seekToFirst() {
        start(map, true);
    }

    @Override
    public void seekToLast() {
        start(map.descendingMap(), false);
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        start(map.tailMap(new MemKey(userKey, trailer), true), true);
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        start(map.headMap(new MemKey(userKey, trailer), true).descendingMap(), false);
    }

    @Override
    public void next() {
        if (!forward) {
            start(map.tailMap(key, false), true);
        } else {
            step();
        }
    }

    @Override
    public void prev() {
        if (forward) {
            start(map.headMap(key, false).descendingMap(), false);
        } else {
            step();
        }
    }

    @Override
    public byte[] userKey() {
        return key.userKey();
    }

    @Override
    public long trailer() {
        return key.trailer();
    }

    @Override
    public byte[] value() {
        return value;
    }

    @Override
    public void close() {
        key = null;
        cursor = null;
    }
}
