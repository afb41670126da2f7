package dev.sediment.store.encoding;

import java.util.Arrays;

/**
 * A growable byte buffer for encoders: varints, little-endian fixed-width integers and raw bytes.
 *
 * <p>Not thread-safe. {@link #reset()} keeps the allocated array so builders can reuse one writer.
 */
public final class ByteWriter {
    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    /** The backing array; valid bytes are {@code [0, size())}. Invalidated by any write. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void reset() {
        size = 0;
    }

    /** Drops bytes past {@code newSize}. REQUIRES: {@code newSize <= size()}. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("truncate to " + newSize + " of " + size);
        }
        size = newSize;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need > buf.length) {
            if (need < 0) {
                throw new IllegalStateException("buffer over 2 GiB");
            }
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    public ByteWriter writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public ByteWriter writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public ByteWriter writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Length-prefixed (varint) bytes. */
    public ByteWriter writeLengthPrefixed(byte[] b) {
        writeVarint32(b.length);
        return writeBytes(b);
    }

    public ByteWriter writeFixed32(int v) {
        ensure(4);
        LittleEndian.putInt(buf, size, v);
        size += 4;
        return this;
    }

    public ByteWriter writeFixed64(long v) {
        ensure(8);
        LittleEndian.putLong(buf, size, v);
        size += 8;
        return this;
    }

    /** Unsigned LEB128 of an int treated as unsigned 32 bits. */
    public ByteWriter writeVarint32(int v) {
        ensure(5);
        size = Varints.putVarint32(buf, size, v);
        return this;
    }

    /** Unsigned LEB128 of a long treated as unsigned 64 bits. */
    public ByteWriter writeVarint64(long v) {
        ensure(10);
        size = Varints.putVarint64(buf, size, v);
        return this;
    }

    /** Overwrites 4 bytes at {@code pos} (for back-patched lengths and checksums). */
    public void setFixed32(int pos, int v) {
        if (pos < 0 || pos + 4 > size) {
            throw new IndexOutOfBoundsException(pos);
        }
        LittleEndian.putInt(buf, pos, v);
    }
}
