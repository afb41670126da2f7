package dev.sediment.store.fs;

import java.io.IOException;
import java.util.Arrays;

/**
 * One file of a {@link MemFileSystem}: its current bytes (what reads see) and its synced bytes (what
 * would survive a power loss). Several directory entries may name the same inode after a rename that
 * was made durable in one directory but not in the other, exactly as on a real disk.
 *
 * <p>INVARIANT: {@code synced} is exactly as long as the file was at its last sync.
 * Not thread-safe: guarded by the owning file system's lock.
 */
final class MemInode {
    private static final byte[] EMPTY = new byte[0];
    /** Arrays cannot be longer; a store file this large in memory is a test bug anyway. */
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private byte[] data = EMPTY;
    private int length;
    private byte[] synced = EMPTY;
    /** Whether the current bytes may differ from the synced bytes; lets repeated syncs skip the copy. */
    private boolean dirty;

    /** An inode holding only what this one has made durable: its synced bytes. */
    MemInode durableCopy() {
        MemInode copy = new MemInode();
        copy.data = synced.clone();
        copy.length = synced.length;
        copy.synced = synced.clone();
        return copy;
    }

    /** An inode holding everything written to this one, as a process crash leaves it (the OS keeps written bytes). */
    MemInode writtenCopy() {
        MemInode copy = new MemInode();
        copy.data = Arrays.copyOf(data, length);
        copy.length = length;
        copy.synced = copy.data.clone();
        return copy;
    }

    int length() {
        return length;
    }

    int syncedLength() {
        return synced.length;
    }

    void append(byte[] b, int off, int len) throws IOException {
        if (len > MAX_LENGTH - length) {
            throw new IOException("in-memory file would exceed " + MAX_LENGTH + " bytes");
        }
        int needed = length + len;
        if (needed > data.length) {
            int capacity = (int) Math.min(MAX_LENGTH, Math.max(needed, Math.max(64L, data.length * 2L)));
            data = Arrays.copyOf(data, capacity);
        }
        System.arraycopy(b, off, data, length, len);
        length = needed;
        dirty = true;
    }

    /** REQUIRES: {@code position + len <= length()}. */
    void read(long position, byte[] dst, int off, int len) {
        System.arraycopy(data, (int) position, dst, off, len);
    }

    /** Empties the current bytes, as {@code O_TRUNC} does; the synced bytes stay until the next sync. */
    void truncateCurrent() {
        data = EMPTY;
        length = 0;
        dirty = true;
    }

    void sync() {
        if (dirty) {
            synced = Arrays.copyOf(data, length);
            dirty = false;
        }
    }

    byte[] currentBytes() {
        return Arrays.copyOf(data, length);
    }

    byte[] syncedBytes() {
        return synced.clone();
    }

    // Damage at rest: applied to the current and the synced bytes alike.

    void xor(long offset, byte mask) {
        if (offset < 0 || offset >= Math.max(length, synced.length)) {
            throw new IllegalArgumentException("offset " + offset + " is outside the file (" + length + " bytes)");
        }
        if (offset < length) {
            data[(int) offset] ^= mask;
        }
        if (offset < synced.length) {
            synced[(int) offset] ^= mask;
        }
    }

    void truncate(long newLength) {
        if (newLength < 0) {
            throw new IllegalArgumentException("negative length " + newLength);
        }
        if (newLength < length) {
            length = (int) newLength;
            // Bytes past length must read as zeros if the file later grows, as after a real truncate.
            Arrays.fill(data, length, data.length, (byte) 0);
        }
        if (newLength < synced.length) {
            synced = Arrays.copyOf(synced, (int) newLength);
        }
    }

    void zero(long offset, int len) {
        if (offset < 0 || len < 0 || offset + len > Math.max(length, synced.length)) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + len) + ") is outside the file ("
                    + length + " bytes)");
        }
        Arrays.fill(data, (int) Math.min(offset, length), (int) Math.min(offset + len, length), (byte) 0);
        Arrays.fill(synced, (int) Math.min(offset, synced.length), (int) Math.min(offset + len, synced.length), (byte) 0);
    }
}
