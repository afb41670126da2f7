package dev.sediment.store.engine;

import dev.sediment.store.WriteBatch;

import java.util.Arrays;
import java.util.List;

/**
 * The order a batch's operations go into the memtable: internal-key order, that is user key ascending
 * (unsigned bytes) and, for one key written twice in a batch, the later operation (higher revision) first.
 * Inserting in this order lets each insert start from the previous one's place in the skip list.
 */
final class BatchOrder {
    private BatchOrder() {
    }

    /** Indexes into {@code ops} in internal-key order; an int array and a merge buffer, no boxing. */
    static int[] sorted(List<WriteBatch.Op> ops) {
        int n = ops.size();
        int[] order = new int[n];
        boolean inOrder = true;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (inOrder && i > 0 && compare(ops, i - 1, i) > 0) {
                inOrder = false;
            }
        }
        if (!inOrder) {
            mergeSort(ops, order, Arrays.copyOf(order, n), 0, n);
        }
        return order;
    }

    /** Negative when operation {@code a} goes before {@code b}. */
    private static int compare(List<WriteBatch.Op> ops, int a, int b) {
        int r = Arrays.compareUnsigned(ops.get(a).key(), ops.get(b).key());
        return r != 0 ? r : Integer.compare(b, a); // the later write of a key first
    }

    /** Sorts {@code dst[from, to)}; {@code src} holds the same indexes on entry. */
    private static void mergeSort(List<WriteBatch.Op> ops, int[] dst, int[] src, int from, int to) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int v = dst[i];
                int j = i - 1;
                while (j >= from && compare(ops, dst[j], v) > 0) {
                    dst[j + 1] = dst[j];
                    j--;
                }
                dst[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(ops, src, dst, from, mid);
        mergeSort(ops, src, dst, mid, to);
        for (int i = from, a = from, b = mid; i < to; i++) {
            if (b >= to || (a < mid && compare(ops, src[a], src[b]) <= 0)) {
                dst[i] = src[a++];
            } else {
                dst[i] = src[b++];
            }
        }
    }
}
