package dev.sediment.store;

import java.util.Arrays;

/**
 * A range of user keys for iteration, compared as unsigned bytes. A null bound is unbounded.
 * Immutable (bound arrays are copied).
 *
 * @param from          lower bound, or null
 * @param fromInclusive whether {@code from} itself is in the range
 * @param to            upper bound, or null
 * @param toInclusive   whether {@code to} itself is in the range
 */
public record KeyRange(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive) {
    private static final KeyRange ALL = new KeyRange(null, true, null, true);

    public KeyRange {
        from = from == null ? null : from.clone();
        to = to == null ? null : to.clone();
    }

    public static KeyRange all() {
        return ALL;
    }

    /** {@code [from, to]}, both inclusive (Kafka Streams' {@code range(from, to)}). */
    public static KeyRange closed(byte[] from, byte[] to) {
        return new KeyRange(from, true, to, true);
    }

    public static KeyRange of(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive) {
        return new KeyRange(from, fromInclusive, to, toInclusive);
    }

    /**
     * Every key starting with {@code prefix}: {@code [prefix, successor)} where the successor is the
     * prefix with trailing 0xFF bytes dropped and the last byte incremented; an all-0xFF prefix has no
     * successor, so the range is unbounded above. (Kafka's built-in stores get 0xFF prefixes wrong.)
     */
    public static KeyRange prefix(byte[] prefix) {
        int end = prefix.length;
        while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
            end--;
        }
        if (end == 0) {
            return new KeyRange(prefix, true, null, true);
        }
        byte[] upper = Arrays.copyOf(prefix, end);
        upper[end - 1]++;
        return new KeyRange(prefix, true, upper, false);
    }

    /** True if {@code from > to} (or equal with an exclusive end): nothing can match. */
    public boolean isEmpty() {
        if (from == null || to == null) {
            return false;
        }
        int c = Arrays.compareUnsigned(from, to);
        return c > 0 || (c == 0 && !(fromInclusive && toInclusive));
    }

    /** True if {@code key} is at or above the lower bound. */
    public boolean aboveLower(byte[] key) {
        if (from == null) {
            return true;
        }
        int c = Arrays.compareUnsigned(key, from);
        return c > 0 || (c == 0 && fromInclusive);
    }

    /** True if {@code key} is at or below the upper bound. */
    public boolean belowUpper(byte[] key) {
        if (to == null) {
            return true;
        }
        int c = Arrays.compareUnsigned(key, to);
        return c < 0 || (c == 0 && toInclusive);
    }

    public boolean contains(byte[] key) {
        return aboveLower(key) && belowUpper(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Arrays.equals(from, r.from) && fromInclusive == r.fromInclusive
                && Arrays.equals(to, r.to) && toInclusive == r.toInclusive;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(from) * 31 + Arrays.hashCode(to) + (fromInclusive ? 1 : 0) + (toInclusive ? 2 : 0);
    }

    @Override
    public String toString() {
        return (fromInclusive ? "[" : "(") + (from == null ? "-inf" : printable(from))
                + ", " + (to == null ? "+inf" : printable(to)) + (toInclusive ? "]" : ")");
    }

    /** A key as shown in messages: printable ASCII as is, every other byte (and the backslash) as {@code \xNN}. */
    public static String printable(byte[] key) {
        if (key == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(key.length);
        for (byte b : key) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
