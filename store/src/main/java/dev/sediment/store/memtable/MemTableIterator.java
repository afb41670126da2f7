package dev.sediment.store.memtable;

import dev.sediment.store.iterator.InternalIterator;

/**
 * Iterates a memtable's skip list. Forward steps follow the bottom-level link; a backward step
 * searches for the last entry before the current one (the list has no back links), O(log n). Entries
 * added concurrently may or may not be seen, which is harmless because readers filter by snapshot
 * revision. The key and value are copied out of the arena once per position, when first asked for.
 */
final class MemTableIterator implements InternalIterator {
    private final ArenaSkipList list;
    private long node;
    private byte[] key;
    private byte[] value;

    MemTableIterator(ArenaSkipList list) {
        this.list = list;
    }

    private void moveTo(long n) {
        node = n;
        key = null;
        value = null;
    }

    @Override
    public boolean valid() {
        return node != 0;
    }

    @Override
    public void seekToFirst() {
        moveTo(list.first());
    }

    @Override
    public void seekToLast() {
        moveTo(list.last());
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        moveTo(list.seek(userKey, trailer));
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        moveTo(list.seekBefore(userKey, trailer, true));
    }

    @Override
    public void next() {
        moveTo(list.next(node));
    }

    @Override
    public void prev() {
        moveTo(list.seekBefore(userKey(), trailer(), false));
    }

    @Override
    public byte[] userKey() {
        if (key == null) {
            key = list.userKey(node);
        }
        return key;
    }

    @Override
    public long trailer() {
        return list.trailer(node);
    }

    @Override
    public byte[] value() {
        if (value == null) {
            value = list.value(node);
        }
        return value;
    }

    @Override
    public byte[] valueArray() {
        return value != null ? value : list.valueChunk(node);
    }

    @Override
    public int valueOffset() {
        return value != null ? 0 : list.valueOffset(node);
    }

    @Override
    public int valueLength() {
        return value != null ? value.length : list.valueLength(node);
    }

    @Override
    public void close() {
        moveTo(0);
    }
}
