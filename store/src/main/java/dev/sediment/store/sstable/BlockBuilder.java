package dev.sediment.store.sstable;

import dev.sediment.store.encoding.ByteWriter;

import java.util.Arrays;

/**
 * Builds one block (data or index) in the format of {@code store/FORMAT.md}: prefix-compressed
 * entries, a restart point every {@code restartInterval} entries, then the restart offsets
 * (fixed32 each) and their count (fixed32).
 *
 * <p>Keys are opaque byte strings here; callers pass them in strictly increasing order (the
 * {@link TableWriter} checks that). Not thread-safe; reused through {@link #reset()}.
 */
final class BlockBuilder {
    private final int restartInterval;
    private final ByteWriter buf = new ByteWriter(4096);
    private int[] restarts = new int[16];
    private int restartCount;
    /** Entries since the last restart point. */
    private int sinceRestart;
    private int entries;
    private byte[] lastKey = new byte[64];
    private int lastKeyLen;
    private boolean finished;

    BlockBuilder(int restartInterval) {
        if (restartInterval < 1) {
            throw new IllegalArgumentException("restartInterval must be >= 1: " + restartInterval);
        }
        this.restartInterval = restartInterval;
        reset();
    }

    void reset() {
        buf.reset();
        restartCount = 0;
        addRestart(0);
        sinceRestart = 0;
        entries = 0;
        lastKeyLen = 0;
        finished = false;
    }

    private void addRestart(int offset) {
        if (restartCount == restarts.length) {
            restarts = Arrays.copyOf(restarts, restartCount * 2);
        }
        restarts[restartCount++] = offset;
    }

    /**
     * Appends an entry. REQUIRES: {@code key[0, keyLen)} sorts after every key added since reset;
     * {@link #finish()} not called since reset.
     */
    void add(byte[] key, int keyLen, byte[] value, int valueOff, int valueLen) {
        assert !finished;
        int shared = 0;
        if (sinceRestart == restartInterval) {
            addRestart(buf.size());
            sinceRestart = 0;
        } else if (entries > 0) {
            int m = Arrays.mismatch(lastKey, 0, lastKeyLen, key, 0, keyLen);
            shared = m < 0 ? keyLen : m;
        }
        int unshared = keyLen - shared;
        buf.writeVarint32(shared);
        buf.writeVarint32(unshared);
        buf.writeVarint32(valueLen);
        buf.writeBytes(key, shared, unshared);
        buf.writeBytes(value, valueOff, valueLen);

        if (lastKey.length < keyLen) {
            lastKey = new byte[Math.max(keyLen, lastKey.length * 2)];
        }
        System.arraycopy(key, shared, lastKey, shared, unshared);
        lastKeyLen = keyLen;
        sinceRestart++;
        entries++;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    int entries() {
        return entries;
    }

    /** The size the finished block would have, uncompressed. */
    int estimatedSizeBytes() {
        return buf.size() + 4 * restartCount + 4;
    }

    /**
     * Appends the restart array and returns the writer holding the whole block in
     * {@code [0, size())}. Valid until {@link #reset()}.
     */
    ByteWriter finish() {
        assert !finished;
        for (int i = 0; i < restartCount; i++) {
            buf.writeFixed32(restarts[i]);
        }
        buf.writeFixed32(restartCount);
        finished = true;
        return buf;
    }
}
