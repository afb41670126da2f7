package dev.sediment.store;

import java.util.Arrays;

/**
 * The orders a batch is written in: for an ingest by user key, and of several operations on one key only
 * the last one ({@link #of}); into a memtable every operation, by key and of one key the later first
 * ({@link #internalKeyOrder}).
 *
 * <p>Comparison sorts over operation indexes spend their time on cache misses (each comparison reaches
 * into two scattered key arrays; a boxed sort took a third of the restore thread, a merge sort over int
 * indexes still half the ingest). So this sorts primitive pairs instead: each key's eight bytes after the
 * prefix that every key of the batch shares (string keys often share a long one), with its operation
 * index, by an LSD radix sort, which is stable and reads and writes arrays in sequence. Keys whose eight
 * bytes tie are then ordered by their remaining bytes, stably, so equal keys stay in index order.
 */
final class BatchKeyOrder {
    private BatchKeyOrder() {
    }

    /** Indexes of {@code keys}, sorted by key, keeping of equal keys only the highest index. */
    static int[] of(byte[][] keys) {
        int n = keys.length;
        long[] digits = new long[n];
        int[] order = sortStably(keys, digits);
        // Equal keys are adjacent, their indexes ascending: keep the last of each run.
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && sameKey(keys, digits, order, i, i + 1)) {
                continue;
            }
            order[kept++] = order[i];
        }
        return kept == n ? order : Arrays.copyOf(order, kept);
    }

    /**
     * Every index of {@code keys} in internal-key order: by key, and of equal keys the highest index (the
     * later write, the higher revision) first. The order a batch goes into a memtable.
     */
    static int[] internalKeyOrder(byte[][] keys) {
        int n = keys.length;
        long[] digits = new long[n];
        int[] order = sortStably(keys, digits);
        for (int lo = 0; lo < n; ) {
            int hi = lo + 1;
            while (hi < n && sameKey(keys, digits, order, lo, hi)) {
                hi++;
            }
            for (int i = lo, j = hi - 1; i < j; i++, j--) { // a run of one key: indexes ascending, reversed
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            lo = hi;
        }
        return order;
    }

    /** Whether the keys at positions {@code a} and {@code b} of the sorted {@code order} are equal. */
    private static boolean sameKey(byte[][] keys, long[] digits, int[] order, int a, int b) {
        return digits[a] == digits[b] && Arrays.equals(keys[order[a]], keys[order[b]]);
    }

    /**
     * Indexes of {@code keys} sorted by key, equal keys in index order; fills {@code digits} with each sorted
     * position's eight bytes after the shared prefix.
     */
    private static int[] sortStably(byte[][] keys, long[] digits) {
        int n = keys.length;
        int shared = sharedPrefix(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            digits[i] = eightBytes(keys[i], shared);
            order[i] = i;
        }
        radixSort(digits, order);
        // Ties on the eight bytes: order by the whole keys (stable, so equal keys stay in index order).
        for (int lo = 0; lo < n; ) {
            int hi = lo + 1;
            while (hi < n && digits[hi] == digits[lo]) {
                hi++;
            }
            if (hi - lo > 1) {
                sortByKey(order, lo, hi, keys);
            }
            lo = hi;
        }
        return order;
    }

    /** The length of the prefix all keys share. */
    private static int sharedPrefix(byte[][] keys) {
        if (keys.length == 0) {
            return 0;
        }
        byte[] first = keys[0];
        int shared = first.length;
        for (int i = 1; i < keys.length && shared > 0; i++) {
            int m = Arrays.mismatch(first, 0, shared, keys[i], 0, Math.min(shared, keys[i].length));
            if (m >= 0) {
                shared = m;
            } else {
                shared = Math.min(shared, keys[i].length);
            }
        }
        return shared;
    }

    /**
     * Bytes {@code [from, from + 8)}, big-endian and zero-padded: where they differ, ordered like the keys
     * (every key shares the bytes before {@code from}). A tie may still differ in length or later bytes.
     */
    private static long eightBytes(byte[] key, int from) {
        long p = 0;
        int end = Math.min(key.length, from + 8);
        for (int i = from; i < end; i++) {
            p |= (key[i] & 0xFFL) << (56 - 8 * (i - from));
        }
        return p;
    }

    /** Stable LSD radix sort of unsigned {@code digits}, carrying {@code order} along; a byte all share is skipped. */
    private static void radixSort(long[] digits, int[] order) {
        int n = digits.length;
        long[] digitsTmp = new long[n];
        int[] orderTmp = new int[n];
        int[] counts = new int[256];
        for (int shift = 0; shift < 64; shift += 8) {
            Arrays.fill(counts, 0);
            for (long d : digits) {
                counts[(int) (d >>> shift) & 0xFF]++;
            }
            if (n == 0 || counts[(int) (digits[0] >>> shift) & 0xFF] == n) {
                continue; // every key has this byte: nothing to reorder
            }
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                int c = counts[b];
                counts[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int slot = counts[(int) (digits[i] >>> shift) & 0xFF]++;
                digitsTmp[slot] = digits[i];
                orderTmp[slot] = order[i];
            }
            System.arraycopy(digitsTmp, 0, digits, 0, n);
            System.arraycopy(orderTmp, 0, order, 0, n);
        }
    }

    /** Stable sort of {@code order[lo, hi)} by whole key: insertion sort for a few, else a merge sort. */
    private static void sortByKey(int[] order, int lo, int hi, byte[][] keys) {
        if (hi - lo <= 16) {
            for (int i = lo + 1; i < hi; i++) {
                int x = order[i];
                int j = i - 1;
                while (j >= lo && Arrays.compareUnsigned(keys[order[j]], keys[x]) > 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
            return;
        }
        Integer[] boxed = new Integer[hi - lo];
        for (int i = lo; i < hi; i++) {
            boxed[i - lo] = order[i];
        }
        Arrays.sort(boxed, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b])); // stable (TimSort)
        for (int i = lo; i < hi; i++) {
            order[i] = boxed[i - lo];
        }
    }
}
