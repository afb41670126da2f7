package dev.sediment.store.sstable;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.iterator.InternalIterator;

/**
 * The two-level iterator of a table: a cursor over the index block picks a data block, a cursor
 * over that block picks the entry. Index entry {@code i} has a key {@code k(i)} with
 * {@code last(i) <= k(i) < first(i+1)}, so the first entry {@code >= t} lies in the first block whose
 * index key is {@code >= t}, or (if that block holds only smaller keys) in the next non-empty block.
 *
 * <p>Keys and values are copied out lazily on first access and never touched again, as
 * {@link InternalIterator} requires. Not thread-safe; the reader it reads is.
 */
final class TableIterator implements InternalIterator {
    private final TableReader table;
    private final BlockIterator index;
    private final BlockIterator data = new BlockIterator();
    private final boolean fillCache;
    /** Reads ahead once blocks come in file order; from the first block for a compaction's pass. */
    private final Readahead readahead;
    /** Offset of the data block {@link #data} iterates, or -1 if none is loaded. */
    private long dataOffset = -1;
    /** Offset of the block being decoded, for error messages. */
    private long decoding;
    private boolean valid;
    private boolean closed;
    private byte[] userKey;
    private byte[] value;

    TableIterator(TableReader table, boolean fillCache) {
        this.table = table;
        this.fillCache = fillCache;
        this.readahead = new Readahead(!fillCache);
        this.index = new BlockIterator(table.indexBlock());
    }

    @Override
    public boolean valid() {
        return valid;
    }

    @Override
    public void seekToFirst() {
        begin();
        try {
            decoding = table.indexOffset();
            index.seekToFirst();
            if (loadBlock()) {
                data.seekToFirst();
                skipEmptyForward();
            }
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void seekToLast() {
        begin();
        try {
            decoding = table.indexOffset();
            index.seekToLast();
            if (loadBlock()) {
                data.seekToLast();
                skipEmptyBackward();
            }
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        begin();
        try {
            decoding = table.indexOffset();
            index.seek(userKey, trailer);
            if (loadBlock()) {
                data.seek(userKey, trailer);
                skipEmptyForward();
            }
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        begin();
        try {
            decoding = table.indexOffset();
            index.seek(userKey, trailer);
            if (!index.valid()) {
                // Every index key, hence every entry, is < target: the answer is the last entry.
                index.seekToLast();
                if (loadBlock()) {
                    data.seekToLast();
                    skipEmptyBackward();
                }
                return;
            }
            if (loadBlock()) {
                data.seekForPrev(userKey, trailer);
                skipEmptyBackward();
            }
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void next() {
        requireValid();
        begin();
        try {
            decoding = dataOffset;
            data.next();
            skipEmptyForward();
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public void prev() {
        requireValid();
        begin();
        try {
            decoding = dataOffset;
            data.prev();
            skipEmptyBackward();
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
    }

    @Override
    public byte[] userKey() {
        requireValid();
        if (userKey == null) {
            userKey = data.userKeyCopy();
        }
        return userKey;
    }

    @Override
    public long trailer() {
        requireValid();
        return data.trailer();
    }

    @Override
    public byte[] value() {
        requireValid();
        if (value == null) {
            value = data.valueCopy();
        }
        return value;
    }

    @Override
    public byte[] valueArray() {
        requireValid();
        return value != null ? value : data.valueArray();
    }

    @Override
    public int valueOffset() {
        requireValid();
        return value != null ? 0 : data.valueOffset();
    }

    @Override
    public int valueLength() {
        requireValid();
        return value != null ? value.length : data.valueLength();
    }

    @Override
    public void close() {
        closed = true;
        valid = false;
        readahead.release();
    }

    /** Common start of every move: drops the copied-out key and value, which belong to the old position. */
    private void begin() {
        if (closed) {
            throw new StoreClosedException("iterator over " + table.path());
        }
        valid = false;
        userKey = null;
        value = null;
    }

    private void requireValid() {
        if (!valid) {
            throw new IllegalStateException("iterator over " + table.path() + " is not positioned");
        }
    }

    /** Loads the data block the index cursor points at, if any; reuses the loaded one when it is the same. */
    private boolean loadBlock() {
        if (!index.valid()) {
            return false;
        }
        decoding = table.indexOffset();
        index.decodeHandle();
        long offset = index.handleOffset();
        if (offset != dataOffset) {
            dataOffset = -1;
            decoding = offset;
            readahead.visit(offset, (int) index.handleSize() + BlockCodec.TRAILER_BYTES);
            data.reset(table.dataBlock(offset, index.handleSize(), fillCache, readahead));
            dataOffset = offset;
        }
        decoding = dataOffset;
        return true;
    }

    private void skipEmptyForward() {
        while (!data.valid()) {
            decoding = table.indexOffset();
            index.next();
            if (!loadBlock()) {
                return;
            }
            data.seekToFirst();
        }
        valid = true;
    }

    private void skipEmptyBackward() {
        while (!data.valid()) {
            decoding = table.indexOffset();
            index.prev();
            if (!loadBlock()) {
                return;
            }
            data.seekToLast();
        }
        valid = true;
    }

    private CorruptionException corrupt(RuntimeException e) {
        valid = false;
        dataOffset = -1;
        return new CorruptionException(table.path(), decoding, "block does not decode: " + e.getMessage(), e);
    }
}
