package dev.sediment.store.sstable;

import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyPrefix;

import java.util.Arrays;

/**
 * A cursor over one block whose keys are internal keys ({@code userKey ‖ fixed64 trailer}), ordered by
 * {@link InternalKeys#compare}. Seeks binary-search the restart points comparing each restart key where it
 * lies in the block (a restart entry stores its whole key), then scan; {@link #prev()} re-scans from the
 * restart point before the current entry.
 *
 * <p>Allocates nothing once its key buffer has grown to the longest key: a cursor is reset onto another
 * block's bytes and reused. Throws {@link MalformedDataException} when the block does not decode; the caller
 * names the file. Not thread-safe. The key buffer is reused: copy out with {@link #userKeyCopy()}.
 */
final class BlockIterator {
    private byte[] data;
    /** End of the entries = start of the restart array. */
    private int limit;
    private int numRestarts;

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
    /** Scratch of the length decoders: the position after the last varint read. */
    private int varintEnd;
    /** The current value decoded as a block handle, by {@link #decodeHandle()}. */
    private long handleOffset;
    private long handleSize;

    BlockIterator() {
    }

    BlockIterator(Block block) {
        reset(block);
    }

    /** Switches to another block; unpositioned until a seek. */
    void reset(Block b) {
        this.data = b.data;
        this.limit = b.restartsOffset;
        this.numRestarts = b.numRestarts;
        this.valid = false;
    }

    /** Switches to the block {@code bytes} (uncompressed, verified); checks the restart array's frame. */
    void reset(byte[] bytes) {
        this.data = bytes;
        this.limit = Block.restartsOffset(bytes);
        this.numRestarts = LittleEndian.getInt(bytes, bytes.length - 4);
        this.valid = false;
    }

    /** Drops the block reference (a cursor kept for reuse should not keep a table's block alive). */
    void clear() {
        data = null;
        valid = false;
    }

    boolean valid() {
        return valid;
    }

    private boolean isEmpty() {
        return limit == 0;
    }

    /** The offset of restart point {@code i}. REQUIRES: {@code 0 <= i < numRestarts}. */
    private int restartPoint(int i) {
        int p = LittleEndian.getInt(data, limit + 4 * i);
        if (p < 0 || p >= limit) {
            if (p == 0 && limit == 0) {
                return 0; // the empty block
            }
            throw new MalformedDataException("restart point " + i + " = " + p + " outside entries [0, " + limit + ")");
        }
        return p;
    }

    void seekToFirst() {
        if (isEmpty()) {
            valid = false;
            return;
        }
        seekToRestart(0);
    }

    void seekToLast() {
        if (isEmpty()) {
            valid = false;
            return;
        }
        seekToRestart(numRestarts - 1);
        while (nextOffset < limit) {
            parseEntry(nextOffset);
        }
    }

    /** Positions at the first entry {@code >= (userKey, trailer)}; invalid if there is none. */
    void seek(byte[] userKey, long trailer) {
        seek(userKey, trailer, 0, numRestarts - 1);
    }

    /**
     * As {@link #seek(byte[], long)}, when the caller knows (from {@link #restartUserKeyPrefixes}) that the last
     * restart point whose key is below the target lies in {@code [lo, hi]} (0 if none is): only those are
     * searched. REQUIRES: {@code 0 <= lo <= hi < numRestarts}.
     */
    void seek(byte[] userKey, long trailer, int lo, int hi) {
        if (isEmpty()) {
            valid = false;
            return;
        }
        // Find the last restart point whose key is < target; the answer lies at or after it.
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (compareRestartKey(restartPoint(mid), userKey, trailer) < 0) {
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
        while (restartIndex + 1 < numRestarts && restartPoint(restartIndex + 1) <= current) {
            restartIndex++;
        }
    }

    /** REQUIRES: valid(). */
    void prev() {
        int original = current;
        int ri = restartIndex;
        while (restartPoint(ri) >= original) {
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
        parseEntry(restartPoint(i));
    }

    /** A length varint at {@code p} (at most 5 bytes, a non-negative int); sets {@link #varintEnd}. */
    private int readLength(int p) {
        int result = 0;
        int pos = p;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos >= limit) {
                throw new MalformedDataException("length at " + p + " runs past the entries' " + limit + " bytes");
            }
            int b = data[pos++];
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) {
                    throw new MalformedDataException("length " + Integer.toUnsignedString(result) + " at " + p);
                }
                varintEnd = pos;
                return result;
            }
        }
        throw new MalformedDataException("varint32 longer than 5 bytes at " + p);
    }

    /**
     * Compares the key of the restart entry at {@code p} with {@code (userKey, trailer)} where it lies in the
     * block: a restart entry shares nothing with the entry before it, so its key is stored whole.
     */
    private int compareRestartKey(int p, byte[] userKey, long trailer) {
        int pos = p;
        int shared;
        int unshared;
        int vlen;
        if (pos + 3 <= limit && (data[pos] | data[pos + 1] | data[pos + 2]) >= 0) {
            shared = data[pos];
            unshared = data[pos + 1];
            vlen = data[pos + 2];
            pos += 3;
        } else {
            shared = readLength(pos);
            unshared = readLength(varintEnd);
            vlen = readLength(varintEnd);
            pos = varintEnd;
        }
        if (shared != 0 || (long) unshared + vlen > limit - pos) {
            throw new MalformedDataException("restart entry at " + p + " (shared " + shared + ", unshared " + unshared
                    + ", value " + vlen + ") overruns block entries of " + limit + " bytes");
        }
        if (unshared < InternalKeys.TRAILER_BYTES) {
            throw new MalformedDataException("key of " + unshared + " bytes at " + p + " is shorter than a trailer");
        }
        int uk = unshared - InternalKeys.TRAILER_BYTES;
        int c = Arrays.compareUnsigned(data, pos, pos + uk, userKey, 0, userKey.length);
        if (c != 0) {
            return c;
        }
        return Long.compareUnsigned(trailer, LittleEndian.getLong(data, pos + uk));
    }

    /**
     * The {@link dev.sediment.store.key.KeyPrefix} of every restart key's user key, in restart order (so
     * non-decreasing). For an index block (one restart per entry) that is a dense array a point read can
     * binary-search before touching the block. Throws {@link MalformedDataException} on a malformed entry.
     */
    long[] restartUserKeyPrefixes() {
        if (isEmpty()) {
            return new long[0];
        }
        long[] prefixes = new long[numRestarts];
        for (int i = 0; i < numRestarts; i++) {
            int p = restartPoint(i);
            int shared = readLength(p);
            int unshared = readLength(varintEnd);
            int vlen = readLength(varintEnd);
            int pos = varintEnd;
            if (shared != 0 || (long) unshared + vlen > limit - pos || unshared < InternalKeys.TRAILER_BYTES) {
                throw new MalformedDataException("restart entry at " + p + " (shared " + shared + ", unshared "
                        + unshared + ", value " + vlen + ") is not a whole key within " + limit + " bytes");
            }
            prefixes[i] = KeyPrefix.of(data, pos, unshared - InternalKeys.TRAILER_BYTES);
            if (i > 0 && Long.compareUnsigned(prefixes[i], prefixes[i - 1]) < 0) {
                throw new MalformedDataException("restart key " + i + " at " + p + " sorts before the one before it");
            }
        }
        return prefixes;
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
            shared = readLength(pos);
            unshared = readLength(varintEnd);
            vlen = readLength(varintEnd);
            pos = varintEnd;
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

    /** True if the current entry's user key is {@code userKey}. REQUIRES: valid(). */
    boolean userKeyEquals(byte[] userKey) {
        return Arrays.equals(key, 0, keyLen - InternalKeys.TRAILER_BYTES, userKey, 0, userKey.length);
    }

    byte[] userKeyCopy() {
        return Arrays.copyOf(key, keyLen - InternalKeys.TRAILER_BYTES);
    }

    long trailer() {
        return LittleEndian.getLong(key, keyLen - InternalKeys.TRAILER_BYTES);
    }

    /** The block's array, holding the current value at {@link #valueOffset()}; never written to by callers. */
    byte[] valueArray() {
        return data;
    }

    int valueOffset() {
        return valueOff;
    }

    int valueLength() {
        return valueLen;
    }

    byte[] valueCopy() {
        return Arrays.copyOfRange(data, valueOff, valueOff + valueLen);
    }

    /** Decodes the current value as a block handle (index blocks): {@link #handleOffset()}, {@link #handleSize()}. */
    void decodeHandle() {
        int end = valueOff + valueLen;
        int pos = valueOff;
        long offset = 0;
        long size = 0;
        for (int field = 0; field < 2; field++) {
            long result = 0;
            int shift = 0;
            while (true) {
                if (pos >= end) {
                    throw new MalformedDataException("block handle at " + valueOff + " runs past its "
                            + valueLen + "-byte value");
                }
                int b = data[pos++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 63) {
                    throw new MalformedDataException("varint64 longer than 10 bytes at " + pos);
                }
            }
            if (field == 0) {
                offset = result;
            } else {
                size = result;
            }
        }
        handleOffset = offset;
        handleSize = size;
    }

    /** The current value as a block handle, allocated (tests; the read paths use {@link #decodeHandle()}). */
    BlockHandle valueAsHandle() {
        decodeHandle();
        return new BlockHandle(handleOffset, handleSize);
    }

    long handleOffset() {
        return handleOffset;
    }

    long handleSize() {
        return handleSize;
    }
}
