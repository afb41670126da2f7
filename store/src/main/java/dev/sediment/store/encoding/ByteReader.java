package dev.sediment.store.encoding;

import java.util.Arrays;

/**
 * A cursor over {@code buf[offset, limit)} for decoders.
 *
 * <p>Every read checks bounds and throws {@link MalformedDataException} on overrun, so a decoder fed
 * corrupt bytes fails with a clear error instead of an {@link ArrayIndexOutOfBoundsException}; callers
 * turn it into a {@code CorruptionException} naming the file and offset.
 */
public final class ByteReader {
    private final byte[] buf;
    private final int limit;
    private int pos;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new MalformedDataException("range [" + offset + ", +" + length + ") outside buffer of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        if (p < 0 || p > limit) {
            throw new MalformedDataException("position " + p + " outside limit " + limit);
        }
        pos = p;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    private void need(int n) {
        if (n < 0 || n > limit - pos) {
            throw new MalformedDataException("need " + n + " bytes at " + pos + ", have " + (limit - pos));
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int readFixed32() {
        need(4);
        int v = LittleEndian.getInt(buf, pos);
        pos += 4;
        return v;
    }

    public long readFixed64() {
        need(8);
        long v = LittleEndian.getLong(buf, pos);
        pos += 8;
        return v;
    }

    public int readVarint32() {
        int result = 0;
        for (int shift = 0; shift <= 28; shift += 7) {
            int b = readByte();
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedDataException("varint32 longer than 5 bytes at " + pos);
    }

    /** A varint32 that must be a non-negative int no larger than {@code max} (lengths, counts). */
    public int readLength(int max) {
        int v = readVarint32();
        if (v < 0 || v > max) {
            throw new MalformedDataException("length " + Integer.toUnsignedString(v) + " over " + max + " at " + pos);
        }
        return v;
    }

    public long readVarint64() {
        long result = 0;
        for (int shift = 0; shift <= 63; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedDataException("varint64 longer than 10 bytes at " + pos);
    }

    public byte[] readBytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public byte[] readLengthPrefixed() {
        return readBytes(readLength(remaining()));
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }
}
