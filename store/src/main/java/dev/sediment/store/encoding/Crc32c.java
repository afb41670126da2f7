package dev.sediment.store.encoding;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C (the JDK's intrinsic) with LevelDB's masking. A CRC stored next to the data it covers is
 * masked, so that computing the CRC of a string that itself contains embedded CRCs stays robust.
 */
public final class Crc32c {
    private static final int MASK_DELTA = 0xa282ead8;

    private Crc32c() {
    }

    public static int compute(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    /** CRC of {@code a[aOff, aOff+aLen)} followed by one extra byte {@code tail}. */
    public static int compute(byte[] a, int aOff, int aLen, byte tail) {
        CRC32C crc = new CRC32C();
        crc.update(a, aOff, aLen);
        crc.update(tail);
        return (int) crc.getValue();
    }

    /**
     * CRC of {@code b[0, len)} followed by one extra byte {@code tail}, read where it lies (a direct buffer is
     * not copied). Leaves {@code b}'s position at {@code len} and its limit at {@code len}.
     */
    public static int compute(ByteBuffer b, int len, byte tail) {
        CRC32C crc = new CRC32C();
        b.limit(len).position(0);
        crc.update(b);
        crc.update(tail);
        return (int) crc.getValue();
    }

    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    public static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** The masked CRC of {@code b[off, off+len)}: what files store. */
    public static int masked(byte[] b, int off, int len) {
        return mask(compute(b, off, len));
    }
}
