package dev.sediment.store.key;

import dev.sediment.store.KeyRange;

import java.util.Arrays;

/**
 * The internal key: {@code userKey ‖ trailer}, where {@code trailer = revision << 8 | kind code}.
 *
 * <p>Order: user key ascending as unsigned bytes, then trailer <em>descending</em>, so the newest
 * revision of a key comes first. A reader at snapshot {@code s} seeks to
 * {@code (key, seekTrailer(s))}, which sorts before every entry of {@code key} with revision
 * {@code <= s} and after every entry with a larger revision.
 *
 * <p>Revisions use 56 bits: {@code 1 <= revision <= MAX_REVISION}; revision 0 is "before any write".
 * Trailers are compared as unsigned longs (the top bit is never set for valid revisions, but a
 * signed compare would still be wrong for corrupt input, and unsigned costs nothing).
 */
public final class InternalKeys {
    /** Bytes of an encoded trailer (fixed64, little-endian) after the user key in SSTables. */
    public static final int TRAILER_BYTES = 8;
    public static final long MAX_REVISION = (1L << 56) - 1;

    private InternalKeys() {
    }

    public static long trailer(long revision, KeyKind kind) {
        return (revision << 8) | kind.code();
    }

    public static long revision(long trailer) {
        return trailer >>> 8;
    }

    public static int kindCode(long trailer) {
        return (int) (trailer & 0xFF);
    }

    public static boolean isDelete(long trailer) {
        return (trailer & 0xFF) == KeyKind.DELETE.code();
    }

    /** The trailer to seek to for reads at {@code snapshotRevision}: first among that revision's entries. */
    public static long seekTrailer(long snapshotRevision) {
        return (snapshotRevision << 8) | KeyKind.MAX_CODE;
    }

    /** Compares user keys as unsigned bytes. */
    public static int compareUserKeys(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** Compares internal keys: user key ascending, then trailer descending. */
    public static int compare(byte[] aKey, long aTrailer, byte[] bKey, long bTrailer) {
        int c = Arrays.compareUnsigned(aKey, bKey);
        if (c != 0) {
            return c;
        }
        return Long.compareUnsigned(bTrailer, aTrailer);
    }

    /** A readable form for messages and debug strings: {@code key#revision,KIND}. */
    public static String toDebugString(byte[] userKey, long trailer) {
        KeyKind kind = KeyKind.fromCode(kindCode(trailer));
        return printable(userKey) + "#" + revision(trailer) + "," + (kind == null ? "?" + kindCode(trailer) : kind.name());
    }

    /** Printable ASCII as is, other bytes as {@code \xNN}. */
    public static String printable(byte[] key) {
        return KeyRange.printable(key);
    }
}
