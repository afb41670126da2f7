package dev.sediment.store.sstable;

import dev.sediment.store.encoding.ByteReader;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.key.InternalKeys;

import java.util.Arrays;

/**
 * A cursor over one {@link Block} whose keys are internal keys ({@code userKey ‖ fixed64 trailer}),
 * ordered by {@link InternalKeys#compare}. Seeks binary-search the restart points, then scan; {@link #prev()}
 * re-scans from the restart point before the current entry.
 *
 * <p>Throws {@link MalformedDataException} when the block does not decode; the caller names the file.
 * Not thread-safe. The key buffer is reused: copy out with {@link #userKeyCopy()}.
 */
final class BlockIterator {
    private Block block;
    private byte[] data;
    private int limit;

    private boolean valid;
    /** Offset of the current entry, and of the one after it. */
    private int current;
    private int nextOffset;
    /** Index of the restart region that holds the current entry. */
    private int restartIndex;
    private byte[] key = new byte[64];
    private int keyLen;
    private int valueOff;
    private int valueLen;

    BlockIterator() {
    }

    BlockIterator(Block block) {
        reset(block);
    }

    /** Switches to another block; unpositioned until a seek. */
    void reset(Block b) {
        this.block = b;
        this.data = b.data;
        this.limit = b.restartsOffset;
        this.valid = false;
    }

    boolean valid() {
        return valid;
    }

    void seekToFirst() {
        if (block.isEmpty()) {
            valid = false;
            return;
        }
        seekToRestart(0);
    }

    void seekToLast() {
        if (block.isEmpty()) {
            valid = false;
            return;
        }
        seekToRestart(block.numRestarts - 1);
        while (nextOffset < limit) {
            parseEntry(nextOffset);
        }
    }

    /** Positions at the first entry {@code >= (userKey, trailer)}; invalid if there is none. */
    void seek(byte[] userKey, long trailer) {
        if (block.isEmpty()) {
            valid = false;
            return;
        }
        // Find the last restart point whose key is < target; the answer lies at or after it.
        int lo = 0;
        int hi = block.numRestarts - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            keyLen = 0;
            parseEntry(block.restartPoint(mid));
            if (compareTo(userKey, trailer) < 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        seekToRestart(lo);
        while (compareTo(userKey, trailer) < 0) {
            if (nextOffset >= limit) {
                valid = false;
                return;
            }
            parseEntry(nextOffset);
        }
    }

    /** Positions at the last entry {@code <= (userKey, trailer)}; invalid if there is none. */
    void seekForPrev(byte[] userKey, long trailer) {
        seek(userKey, trailer);
        if (!valid) {
            seekToLast();
        } else if (compareTo(userKey, trailer) > 0) {
            prev();
        }
    }

    /** REQUIRES: valid(). */
    void next() {
        if (nextOffset >= limit) {
            valid = false;
            return;
        }
        parseEntry(nextOffset);
        while (restartIndex + 1 < block.numRestarts && block.restartPoint(restartIndex + 1) <= current) {
            restartIndex++;
        }
    }

    /** REQUIRES: valid(). */
    void prev() {
        int original = current;
        int ri = restartIndex;
        while (block.restartPoint(ri) >= original) {
            if (ri == 0) {
                valid = false;
                return;
            }
            ri--;
        }
        seekToRestart(ri);
        while (nextOffset < original) {
            parseEntry(nextOffset);
        }
        if (nextOffset != original) {
            throw new MalformedDataException("entries overlap restart point at " + original);
        }
    }

    private void seekToRestart(int i) {
        restartIndex = i;
        keyLen = 0;
        parseEntry(block.restartPoint(i));
    }

    /** Decodes the entry at {@code p} into the key buffer, extending the previous key's prefix. */
    private void parseEntry(int p) {
        valid = false;
        int pos = p;
        int shared;
        int unshared;
        int vlen;
        // Fast path: all three lengths fit one byte each (the common case).
        if (pos + 3 <= limit && (data[pos] | data[pos + 1] | data[pos + 2]) >= 0) {
            shared = data[pos];
            unshared = data[pos + 1];
            vlen = data[pos + 2];
            pos += 3;
        } else {
            ByteReader r = new ByteReader(data, pos, limit - pos);
            shared = r.readLength(Integer.MAX_VALUE);
            unshared = r.readLength(Integer.MAX_VALUE);
            vlen = r.readLength(Integer.MAX_VALUE);
            pos = r.position();
        }
        if (shared > keyLen || (long) unshared + vlen > limit - pos) {
            throw new MalformedDataException("entry at " + p + " (shared " + shared + ", unshared " + unshared
                    + ", value " + vlen + ") overruns block entries of " + limit + " bytes");
        }
        int newLen = shared + unshared;
        if (newLen < InternalKeys.TRAILER_BYTES) {
            throw new MalformedDataException("key of " + newLen + " bytes at " + p + " is shorter than a trailer");
        }
        if (newLen > key.length) {
            key = Arrays.copyOf(key, Math.max(newLen, key.length * 2));
        }
        System.arraycopy(data, pos, key, shared, unshared);
        keyLen = newLen;
        valueOff = pos + unshared;
        valueLen = vlen;
        current = p;
        nextOffset = valueOff + vlen;
        valid = true;
    }

    /** Compares the current key with {@code (userKey, trailer)} in internal-key order. REQUIRES: valid(). */
    int compareTo(byte[] userKey, long trailer) {
        int uk = keyLen - InternalKeys.TRAILER_BYTES;
        int c = Arrays.compareUnsigned(key, 0, uk, userKey, 0, userKey.length);
        if (c != 0) {
            return c;
        }
        return Long.compareUnsigned(trailer, LittleEndian.getLong(key, uk));
    }

    byte[] userKeyCopy() {
        return Arrays.copyOf(key, keyLen - InternalKeys.TRAILER_BYTES);
    }

    long trailer() {
        return LittleEndian.getLong(key, keyLen - InternalKeys.TRAILER_BYTES);
    }

    byte[] valueCopy() {
        return Arrays.copyOfRange(data, valueOff, valueOff + valueLen);
    }

    /** The current value decoded as a block handle (index blocks). */
    BlockHandle valueAsHandle() {
        return BlockHandle.decode(new ByteReader(data, valueOff, valueLen));
    }
}
