package dev.sediment.store.memtable;

import dev.sediment.store.key.KeyPrefix;

import java.util.Arrays;

/**
 * A skip list of internal keys whose nodes and bytes live in arenas (the idea of RocksDB's
 * InlineSkipList and Pebble's arenaskl): a put copies its key and value into a {@link ByteArena} and
 * writes one run of longs into a {@link NodeArena}; no object per entry, so a full memtable is a few
 * large arrays to the garbage collector.
 *
 * <p>Node layout (longs): the key's first eight bytes as an unsigned big-endian long (most comparisons
 * end there without touching the key bytes), the trailer, the address of key-then-value bytes, the
 * lengths ({@code keyLength << 32 | valueLength}), then one link per level. The head is a node with
 * every level and no key.
 *
 * <p>Order: internal-key order (user key ascending as unsigned bytes, trailer descending).
 *
 * <p>Thread safety: one writer ({@link #insert}); any number of readers without locks. A node is fully
 * written before it is linked, bottom level first, each link with release semantics; readers follow
 * links with acquire semantics, so they see whole nodes and a node reachable at level n is reachable at
 * every level below.
 */
final class ArenaSkipList {
    static final int MAX_HEIGHT = 12;
    private static final int PREFIX = 0;
    private static final int TRAILER = 1;
    private static final int BYTES = 2;
    private static final int LENGTHS = 3;
    private static final int LINKS = 4;

    private final ByteArena bytes;
    private final NodeArena nodes;
    /** The head node, allocated by the first insert (so an empty memtable holds no arena memory); 0 until then. */
    private volatile long head;
    /** The predecessors at each level of the last insert (at its levels, the inserted node itself). Writer only. */
    private final long[] splice = new long[MAX_HEIGHT];
    /** The last inserted node, 0 before the first. Writer only. */
    private long last;
    private volatile int height = 1;
    private long random = 0x9E3779B97F4A7C15L;

    ArenaSkipList(int maxChunkBytes) {
        this.bytes = new ByteArena(maxChunkBytes);
        this.nodes = new NodeArena(maxChunkBytes / Long.BYTES);
    }

    /** Adds an entry. REQUIRES: one writer at a time; no equal internal key present. */
    void insert(byte[] key, long trailer, byte[] value) {
        insert(key, trailer, value, false);
    }

    /**
     * Adds an entry; with {@code afterPrevious}, a caller inserting in ascending order (a sorted batch)
     * lets the search start from the previous insert's predecessors (a finger) instead of the head, so
     * neighbouring keys cost a few comparisons rather than a walk down from the top. A key that is not
     * after the previous insert falls back to the search from the head.
     * REQUIRES: one writer at a time; no equal internal key present.
     */
    void insert(byte[] key, long trailer, byte[] value, boolean afterPrevious) {
        long prefix = KeyPrefix.of(key);
        if (head == 0) {
            head = nodes.allocate(LINKS + MAX_HEIGHT);
        }
        long head = this.head;
        int top = height;
        long x = head;
        int from = top;
        if (afterPrevious && last != 0 && compare(last, key, prefix, trailer) < 0) {
            // splice[level] < last < key at every level below top (levels at or above the last node's
            // height kept their older, smaller predecessors); find the lowest level whose successor is
            // at or after key: from there down the splice brackets key and the search starts from it.
            int level = 0;
            while (level < top) {
                long next = nodes.linkAcquire(splice[level], LINKS + level);
                if (next == 0 || compare(next, key, prefix, trailer) >= 0) {
                    break;
                }
                level++;
            }
            if (level < top) {
                x = splice[level];
                from = level;
            }
        }
        for (int level = from - 1; level >= 0; level--) {
            long next = nodes.linkAcquire(x, LINKS + level);
            while (next != 0 && compare(next, key, prefix, trailer) < 0) {
                x = next;
                next = nodes.linkAcquire(x, LINKS + level);
            }
            splice[level] = x;
        }
        int h = randomHeight();
        for (int level = top; level < h; level++) {
            splice[level] = head;
        }
        long data = bytes.append(key, value);
        long node = nodes.allocate(LINKS + h);
        long[] c = nodes.chunk(node);
        int at = (int) node;
        c[at + PREFIX] = prefix;
        c[at + TRAILER] = trailer;
        c[at + BYTES] = data;
        c[at + LENGTHS] = (long) key.length << 32 | value.length;
        for (int level = 0; level < h; level++) {
            c[at + LINKS + level] = nodes.linkAcquire(splice[level], LINKS + level);
            nodes.linkRelease(splice[level], LINKS + level, node);
        }
        for (int level = 0; level < h; level++) {
            splice[level] = node; // the next sorted insert's predecessors at the levels this node has
        }
        last = node;
        if (h > top) {
            height = h;
        }
    }

    private int randomHeight() {
        long r = random;
        r ^= r << 13;
        r ^= r >>> 7;
        r ^= r << 17;
        random = r;
        // Each level with probability 1/4: two random bits per level.
        return Math.min(MAX_HEIGHT, 1 + Long.numberOfTrailingZeros(r | Long.MIN_VALUE) / 2);
    }

    /** Compares the node's internal key with {@code (key, trailer)}; {@code prefix} is {@code KeyPrefix.of(key)}. */
    private int compare(long node, byte[] key, long prefix, long trailer) {
        long[] c = nodes.chunk(node);
        int at = (int) node;
        int r = Long.compareUnsigned(c[at + PREFIX], prefix);
        if (r != 0) {
            return r;
        }
        // Zero padding makes keys that differ in length tie on the prefix: the whole keys decide.
        long data = c[at + BYTES];
        int keyLength = (int) (c[at + LENGTHS] >>> 32);
        int from = (int) data;
        r = Arrays.compareUnsigned(bytes.chunk(data), from, from + keyLength, key, 0, key.length);
        if (r != 0) {
            return r;
        }
        return Long.compareUnsigned(trailer, c[at + TRAILER]);
    }

    /** The first node at or after {@code (key, trailer)}, or 0. */
    long seek(byte[] key, long trailer) {
        long head = this.head;
        if (head == 0) {
            return 0;
        }
        long prefix = KeyPrefix.of(key);
        long x = head;
        for (int level = height - 1; ; level--) {
            long next = nodes.linkAcquire(x, LINKS + level);
            while (next != 0 && compare(next, key, prefix, trailer) < 0) {
                x = next;
                next = nodes.linkAcquire(x, LINKS + level);
            }
            if (level == 0) {
                return next;
            }
        }
    }

    /** The last node before {@code (key, trailer)} (or at it, if {@code inclusive}), or 0. */
    long seekBefore(byte[] key, long trailer, boolean inclusive) {
        long head = this.head;
        if (head == 0) {
            return 0;
        }
        long prefix = KeyPrefix.of(key);
        int bound = inclusive ? 0 : -1;
        long x = head;
        for (int level = height - 1; level >= 0; level--) {
            long next = nodes.linkAcquire(x, LINKS + level);
            while (next != 0 && compare(next, key, prefix, trailer) <= bound) {
                x = next;
                next = nodes.linkAcquire(x, LINKS + level);
            }
        }
        return x == head ? 0 : x;
    }

    /** The first node, or 0. */
    long first() {
        long head = this.head;
        return head == 0 ? 0 : nodes.linkAcquire(head, LINKS);
    }

    /** The last node, or 0. */
    long last() {
        long head = this.head;
        if (head == 0) {
            return 0;
        }
        long x = head;
        for (int level = height - 1; level >= 0; level--) {
            long next = nodes.linkAcquire(x, LINKS + level);
            while (next != 0) {
                x = next;
                next = nodes.linkAcquire(x, LINKS + level);
            }
        }
        return x == head ? 0 : x;
    }

    /** The head node (0 while the list is empty): no key, a link at every level. */
    long head() {
        return head;
    }

    /** Levels in use (at least 1). */
    int height() {
        return height;
    }

    /** The node after {@code node} at {@code level}, or 0. REQUIRES: {@code node} has that level. */
    long link(long node, int level) {
        return nodes.linkAcquire(node, LINKS + level);
    }

    /** The address of the node's key-then-value bytes. */
    long bytesAddress(long node) {
        return nodes.chunk(node)[(int) node + BYTES];
    }

    /** The node's {@code keyLength << 32 | valueLength}. */
    long lengths(long node) {
        return nodes.chunk(node)[(int) node + LENGTHS];
    }

    /** The arena chunk holding the bytes at {@code address} (a {@link #bytesAddress}). */
    byte[] bytesChunk(long address) {
        return bytes.chunk(address);
    }

    /** A copy of {@code length} bytes at {@code address}. */
    byte[] copyBytes(long address, int length) {
        return bytes.copy(address, length);
    }

    /** The node after {@code node} in order, or 0. */
    long next(long node) {
        return nodes.linkAcquire(node, LINKS);
    }

    long trailer(long node) {
        return nodes.chunk(node)[(int) node + TRAILER];
    }

    /** Whether the node's user key equals {@code key}. */
    boolean hasUserKey(long node, byte[] key) {
        long[] c = nodes.chunk(node);
        int at = (int) node;
        int keyLength = (int) (c[at + LENGTHS] >>> 32);
        long data = c[at + BYTES];
        int from = (int) data;
        return Arrays.equals(bytes.chunk(data), from, from + keyLength, key, 0, key.length);
    }

    /** Whether two nodes hold the same user key. */
    boolean sameUserKey(long a, long b) {
        long[] ca = nodes.chunk(a);
        long[] cb = nodes.chunk(b);
        int at = (int) a;
        int bt = (int) b;
        if (ca[at + PREFIX] != cb[bt + PREFIX]) {
            return false;
        }
        long da = ca[at + BYTES];
        long db = cb[bt + BYTES];
        int fa = (int) da;
        int fb = (int) db;
        return Arrays.equals(bytes.chunk(da), fa, fa + (int) (ca[at + LENGTHS] >>> 32),
                bytes.chunk(db), fb, fb + (int) (cb[bt + LENGTHS] >>> 32));
    }

    /** A copy of the node's user key. */
    byte[] userKey(long node) {
        long[] c = nodes.chunk(node);
        int at = (int) node;
        return bytes.copy(c[at + BYTES], (int) (c[at + LENGTHS] >>> 32));
    }

    /** A copy of the node's value. */
    byte[] value(long node) {
        long[] c = nodes.chunk(node);
        int at = (int) node;
        long lengths = c[at + LENGTHS];
        return bytes.copy(c[at + BYTES] + (lengths >>> 32), (int) lengths);
    }

    /** The arena chunk holding the node's value, at {@link #valueOffset}. */
    byte[] valueChunk(long node) {
        long[] c = nodes.chunk(node);
        return bytes.chunk(c[(int) node + BYTES]);
    }

    int valueOffset(long node) {
        long[] c = nodes.chunk(node);
        int at = (int) node;
        return (int) c[at + BYTES] + (int) (c[at + LENGTHS] >>> 32);
    }

    int valueLength(long node) {
        return (int) nodes.chunk(node)[(int) node + LENGTHS];
    }

    /** Bytes of both arenas' chunks but their newest chunks' unused tails. Writer only. */
    long usedBytes() {
        return bytes.usedBytes() + nodes.usedBytes();
    }

    /** Bytes of both arenas' chunks, whole. Writer only (or once the writer is done). */
    long allocatedBytes() {
        return bytes.allocatedBytes() + nodes.allocatedBytes();
    }
}
