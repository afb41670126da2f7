package dev.sediment.store.memtable;

/**
 * A blocked bloom filter over a memtable's user keys, so a point read of a key the memtable does not hold
 * (most reads of a store larger than its memtable) skips the skip-list search and its cache misses. One
 * 64-bit word per key, {@value #PROBES} bits in it: one memory access per add and per test.
 *
 * <p>Sized from the memtable's size, not its entry count (unknown up front): one bit per
 * {@value #BYTES_PER_BIT} bytes of memtable, about 11 bits per entry of 16-byte keys and 100-byte values.
 * Smaller entries raise the false-positive rate (a wasted search), never the answer.
 *
 * <p>One writer (the memtable's), many readers without locks: a reader relies on the write lock's release
 * and the engine's visible-revision publication, both after {@link #add}, to see the bits of every entry it
 * may read; bits it sees early only cost a search.
 */
final class KeyFilter {
    private static final int PROBES = 6;
    private static final int BYTES_PER_BIT = 8;
    private static final int MIN_WORDS = 8;
    private static final int MAX_WORDS = 1 << 22; // 32 MiB of filter for a memtable of 2 GiB or more

    private final long[] words;
    private final int mask;

    KeyFilter(long memtableBytes) {
        int n = words(memtableBytes);
        this.words = new long[n];
        this.mask = n - 1;
    }

    private static int words(long memtableBytes) {
        long wanted = memtableBytes / BYTES_PER_BIT / 64;
        return (int) Math.max(MIN_WORDS, Math.min(MAX_WORDS, Long.highestOneBit(Math.max(1, wanted))));
    }

    /** The bytes of the filter of a memtable of {@code memtableBytes}. */
    static long sizeBytesFor(long memtableBytes) {
        return 8L * words(memtableBytes);
    }

    /** The word a hash picks: its top bits, which {@link #bits} does not use. */
    private int word(long hash) {
        return (int) (hash >>> 40) & mask;
    }

    /** {@value #PROBES} bit positions from the low 36 bits of a remix of the hash. */
    private static long bits(long hash) {
        long x = hash * 0x9E3779B97F4A7C15L;
        long m = 0;
        for (int i = 0; i < PROBES; i++) {
            m |= 1L << (x & 63);
            x >>>= 6;
        }
        return m;
    }

    /** REQUIRES: the single writer. */
    void add(long hash) {
        words[word(hash)] |= bits(hash);
    }

    /** False only if no key of {@code hash} was added. */
    boolean mayContain(long hash) {
        long b = bits(hash);
        return (words[word(hash)] & b) == b;
    }

    long sizeBytes() {
        return 8L * words.length;
    }
}
