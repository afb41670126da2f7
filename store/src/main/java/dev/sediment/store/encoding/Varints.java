package dev.sediment.store.encoding;

/** Unsigned LEB128 varints (LevelDB's encoding): 7 bits a byte, low bits first, high bit = more. */
public final class Varints {
    private Varints() {
    }

    /** Writes {@code v} at {@code pos}; returns the position after it. REQUIRES: 5 bytes of room. */
    public static int putVarint32(byte[] buf, int pos, int v) {
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    /** Writes {@code v} at {@code pos}; returns the position after it. REQUIRES: 10 bytes of room. */
    public static int putVarint64(byte[] buf, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    public static int sizeOfVarint32(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    public static int sizeOfVarint64(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
