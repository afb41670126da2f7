package dev.sediment.store.iterator;

import dev.sediment.store.key.InternalKeys;

import java.util.List;

/**
 * Merges child iterators into one in internal-key order, through a binary heap of the positioned
 * children: a min-heap while moving forward, a max-heap while moving in reverse.
 *
 * <p>Ties: entries with equal internal keys are ordered by child index, lower first, so when children
 * are given newest source first the newest copy comes first going forward (and last going in reverse,
 * which is exactly the reverse order). The merged order is thus {@code (internal key, child index)}.
 *
 * <p>Direction changes (as LevelDB's merging iterator): every child other than the current one is
 * positioned relative to the current entry {@code (K, c)} before the current child steps:
 * <ul>
 *   <li>to go forward, child {@code i} is put at its first entry after {@code (K, c)}: key {@code > K}
 *       if {@code i < c}, key {@code >= K} if {@code i > c};</li>
 *   <li>to go in reverse, at its last entry before {@code (K, c)}: key {@code <= K} if {@code i < c},
 *       key {@code < K} if {@code i > c}.</li>
 * </ul>
 *
 * <p>INVARIANTS: {@code heap[0, heapSize)} holds exactly the indexes of the valid children and is
 * heap-ordered for the current direction; the iterator is valid iff {@code heapSize > 0}, and then the
 * current entry is that of child {@code heap[0]}. REQUIRES: each child is strictly increasing in
 * internal-key order. A next or prev allocates nothing. Not thread-safe; closing closes every child.
 */
public final class MergingIterator implements InternalIterator {
    private final InternalIterator[] children;
    private final int[] heap;
    private int heapSize;
    /** True while the heap is a min-heap. */
    private boolean forward = true;
    private boolean closed;

    /** Merges {@code children}, given newest source first (ties go to the lower index). */
    public MergingIterator(List<? extends InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
        this.heap = new int[this.children.length];
    }

    public MergingIterator(InternalIterator... children) {
        this(List.of(children));
    }

    @Override
    public boolean valid() {
        return heapSize > 0;
    }

    @Override
    public void seekToFirst() {
        heapSize = 0; // if a child throws, stay unpositioned
        for (InternalIterator child : children) {
            child.seekToFirst();
        }
        rebuild(true);
    }

    @Override
    public void seekToLast() {
        heapSize = 0;
        for (InternalIterator child : children) {
            child.seekToLast();
        }
        rebuild(false);
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        heapSize = 0;
        for (InternalIterator child : children) {
            child.seek(userKey, trailer);
        }
        rebuild(true);
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        heapSize = 0;
        for (InternalIterator child : children) {
            child.seekForPrev(userKey, trailer);
        }
        rebuild(false);
    }

    @Override
    public void next() {
        int current = currentChild();
        if (!forward) {
            byte[] key = children[current].userKey();
            long trailer = children[current].trailer();
            heapSize = 0;
            for (int i = 0; i < children.length; i++) {
                if (i == current) {
                    continue;
                }
                InternalIterator child = children[i];
                child.seek(key, trailer);
                // A lower-index child's equal entry precedes the current one, so it is not "after" it.
                if (i < current && child.valid() && isAt(child, key, trailer)) {
                    child.next();
                }
            }
            children[current].next();
            rebuild(true);
            return;
        }
        children[current].next();
        replaceTop(current);
    }

    @Override
    public void prev() {
        int current = currentChild();
        if (forward) {
            byte[] key = children[current].userKey();
            long trailer = children[current].trailer();
            heapSize = 0;
            for (int i = 0; i < children.length; i++) {
                if (i == current) {
                    continue;
                }
                InternalIterator child = children[i];
                child.seekForPrev(key, trailer);
                // A higher-index child's equal entry follows the current one, so it is not "before" it.
                if (i > current && child.valid() && isAt(child, key, trailer)) {
                    child.prev();
                }
            }
            children[current].prev();
            rebuild(false);
            return;
        }
        children[current].prev();
        replaceTop(current);
    }

    @Override
    public byte[] userKey() {
        return children[currentChild()].userKey();
    }

    @Override
    public long trailer() {
        return children[currentChild()].trailer();
    }

    @Override
    public byte[] value() {
        return children[currentChild()].value();
    }

    @Override
    public byte[] valueArray() {
        return children[currentChild()].valueArray();
    }

    @Override
    public int valueOffset() {
        return children[currentChild()].valueOffset();
    }

    @Override
    public int valueLength() {
        return children[currentChild()].valueLength();
    }

    /** Closes every child, even if one throws (the first failure is rethrown). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heapSize = 0;
        RuntimeException failure = null;
        for (InternalIterator child : children) {
            try {
                child.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- heap

    private int currentChild() {
        if (heapSize == 0) {
            throw new IllegalStateException("iterator is not positioned");
        }
        return heap[0];
    }

    private static boolean isAt(InternalIterator child, byte[] userKey, long trailer) {
        return InternalKeys.compare(child.userKey(), child.trailer(), userKey, trailer) == 0;
    }

    /** Rebuilds the heap from the valid children, for the given direction. */
    private void rebuild(boolean forwardDirection) {
        forward = forwardDirection;
        int n = 0;
        for (int i = 0; i < children.length; i++) {
            if (children[i].valid()) {
                heap[n++] = i;
            }
        }
        heapSize = n;
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** Restores the heap after the top child {@code top} has stepped. */
    private void replaceTop(int top) {
        if (!children[top].valid()) {
            heap[0] = heap[--heapSize];
            if (heapSize == 0) {
                return;
            }
        }
        siftDown(0);
    }

    private void siftDown(int slot) {
        int item = heap[slot];
        int half = heapSize >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < heapSize && precedes(heap[right], heap[child])) {
                child = right;
            }
            if (!precedes(heap[child], item)) {
                break;
            }
            heap[slot] = heap[child];
            slot = child;
        }
        heap[slot] = item;
    }

    /** Whether child {@code a}'s entry comes before child {@code b}'s in the current direction. */
    private boolean precedes(int a, int b) {
        InternalIterator x = children[a];
        InternalIterator y = children[b];
        int c = InternalKeys.compare(x.userKey(), x.trailer(), y.userKey(), y.trailer());
        if (c == 0) {
            c = Integer.compare(a, b);
        }
        return forward ? c < 0 : c > 0;
    }
}
