package dev.sediment.store.sstable;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.MalformedDataException;

/**
 * A reusable cursor for point reads in tables: seek a table to a key's newest version at a revision, step
 * over versions, copy out only the value that decides. Unlike a {@link TableIterator} it is not created per
 * read and materialises no keys, so a read whose blocks are cached allocates nothing but the value it returns.
 *
 * <p>Not thread-safe: one per thread, reused across tables and stores. Call {@link #clear()} after a read so
 * the cursor does not keep a table's blocks alive.
 */
public final class PointLookup {
    private final BlockIterator index = new BlockIterator();
    private final BlockIterator data = new BlockIterator();
    private TableReader table;
    /** Offset of the block being decoded, for error messages. */
    private long decoding;
    private boolean valid;

    /**
     * Positions at the table's first entry {@code >= (userKey, trailer)} and answers whether it is a version
     * of {@code userKey}. Throws {@link CorruptionException} naming the file and block when a block does not decode.
     */
    public boolean seek(TableReader reader, byte[] userKey, long trailer) {
        table = reader;
        valid = false;
        decoding = reader.indexOffset();
        try {
            index.reset(reader.indexBlock());
            reader.seekIndex(index, userKey, trailer);
            if (loadBlock()) {
                data.seek(userKey, trailer);
                skipEmptyForward();
            }
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
        return valid && data.userKeyEquals(userKey);
    }

    /** Steps to the next entry and answers whether it is (still) a version of {@code userKey}. REQUIRES: a seek. */
    public boolean next(byte[] userKey) {
        if (!valid) {
            return false;
        }
        valid = false;
        try {
            data.next();
            skipEmptyForward();
        } catch (MalformedDataException | IndexOutOfBoundsException e) {
            throw corrupt(e);
        }
        return valid && data.userKeyEquals(userKey);
    }

    /** The trailer of the entry {@link #seek} or {@link #next} answered true for. */
    public long trailer() {
        return data.trailer();
    }

    /** A copy of that entry's value. */
    public byte[] valueCopy() {
        return data.valueCopy();
    }

    /** Forgets the table and its blocks. */
    public void clear() {
        table = null;
        valid = false;
        index.clear();
        data.clear();
    }

    private boolean loadBlock() {
        if (!index.valid()) {
            return false;
        }
        decoding = table.indexOffset();
        index.decodeHandle();
        decoding = index.handleOffset();
        data.reset(table.dataBlock(index.handleOffset(), index.handleSize()));
        return true;
    }

    /** The answer may open the next block: the index key of a block may lie above its last entry. */
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

    private CorruptionException corrupt(RuntimeException e) {
        valid = false;
        return new CorruptionException(table.path(), decoding, "block does not decode: " + e.getMessage(), e);
    }
}
