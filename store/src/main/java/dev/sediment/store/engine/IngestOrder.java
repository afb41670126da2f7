package dev.sediment.store.engine;

import java.util.Arrays;

/**
 * The order in which an ingested batch is written: by user key, and of several operations on one key only
 * the last one. A merge sort over operation indexes that compares the keys' first eight bytes as one
 * unsigned long before it compares whole arrays: for changelog keys that settles nearly every comparison
 * (a boxed {@code Integer} sort with a comparator over the keys took a third of the restore thread).
 */
final class IngestOrder {
    private IngestOrder() {
    }

    /** Indexes of {@code keys}, sorted by key, keeping of equal keys only the highest index. */
    static int[] of(byte[][] keys) {
        int n = keys.length;
        long[] prefixes = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            prefixes[i] = prefix(keys[i]);
            order[i] = i;
        }
        int[] sorted = mergeSort(order, new int[n], keys, prefixes);
        // Equal keys are adjacent, their indexes ascending: keep the last of each run.
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && compare(sorted[i], sorted[i + 1], keys, prefixes) == 0) {
                continue;
            }
            sorted[kept++] = sorted[i];
        }
        return kept == n ? sorted : Arrays.copyOf(sorted, kept);
    }

    /** The first eight bytes, big-endian and zero-padded: ordered like the keys where they differ. */
    private static long prefix(byte[] key) {
        long p = 0;
        int len = Math.min(8, key.length);
        for (int i = 0; i < len; i++) {
            p |= (key[i] & 0xFFL) << (56 - 8 * i);
        }
        return p;
    }

    private static int compare(int a, int b, byte[][] keys, long[] prefixes) {
        int c = Long.compareUnsigned(prefixes[a], prefixes[b]);
        // A zero-padded prefix can tie for keys that differ in length: the whole arrays decide.
        return c != 0 ? c : Arrays.compareUnsigned(keys[a], keys[b]);
    }

    /**
     * Bottom-up, stable merge sort; returns whichever of the two arrays holds the result. Stability keeps
     * equal keys in index order.
     */
    private static int[] mergeSort(int[] src, int[] dst, byte[][] keys, long[] prefixes) {
        int n = src.length;
        final int run = 16;
        for (int lo = 0; lo < n; lo += run) {
            insertionSort(src, lo, Math.min(n, lo + run), keys, prefixes);
        }
        for (int width = run; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                merge(src, dst, lo, mid, hi, keys, prefixes);
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        return src;
    }

    private static void insertionSort(int[] a, int lo, int hi, byte[][] keys, long[] prefixes) {
        for (int i = lo + 1; i < hi; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= lo && compare(a[j], x, keys, prefixes) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    private static void merge(int[] src, int[] dst, int lo, int mid, int hi, byte[][] keys, long[] prefixes) {
        if (mid >= hi || compare(src[mid - 1], src[mid], keys, prefixes) <= 0) {
            System.arraycopy(src, lo, dst, lo, hi - lo); // already in order
            return;
        }
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && compare(src[i], src[j], keys, prefixes) <= 0)) {
                dst[k] = src[i++];
            } else {
                dst[k] = src[j++];
            }
        }
    }
}
