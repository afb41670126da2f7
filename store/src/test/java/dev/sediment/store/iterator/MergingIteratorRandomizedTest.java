package dev.sediment.store.iterator;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares {@link MergingIterator} with a model, a {@link TreeMap} of every child's entries keyed by
 * {@code (internal key, child index)}, over random mixes of seeks and steps in both directions.
 * Keys come from a tiny alphabet and revisions from a small range so that equal internal keys across
 * children, many trailers per key and empty children are all common. Reproduce with -Dtests.seed=N.
 */
class MergingIteratorRandomizedTest {
    private static final byte[] ALPHABET = {0x00, 'a', 'b', (byte) 0xFF};
    private static final int ROUNDS = 400;
    private static final int OPS_PER_ROUND = 150;

    /** A model entry's key: the internal key, then the child index as the tie-breaker. */
    private record ModelKey(byte[] userKey, long trailer, int child) {
    }

    private static final Comparator<ModelKey> MODEL_ORDER = (a, b) -> {
        int c = InternalKeys.compare(a.userKey, a.trailer, b.userKey, b.trailer);
        return c != 0 ? c : Integer.compare(a.child, b.child);
    };

    @Test
    void matchesTreeMapModel() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("MergingIteratorRandomizedTest seed=" + seed);
        Random rnd = new Random(seed);
        for (int round = 0; round < ROUNDS; round++) {
            runRound(rnd, "seed=" + seed + " round=" + round);
        }
    }

    private static void runRound(Random rnd, String context) {
        int childCount = rnd.nextInt(9);
        TreeMap<ModelKey, byte[]> model = new TreeMap<>(MODEL_ORDER);
        List<SortedArrayIterator> children = new ArrayList<>();
        for (int c = 0; c < childCount; c++) {
            TreeSet<SortedArrayIterator.Entry> entries = new TreeSet<>(
                    (x, y) -> InternalKeys.compare(x.userKey(), x.trailer(), y.userKey(), y.trailer()));
            int size = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(30);
            for (int i = 0; i < size; i++) {
                byte[] value = ("c" + c + "v" + i).getBytes();
                entries.add(new SortedArrayIterator.Entry(randomKey(rnd), randomEntryTrailer(rnd), value));
            }
            for (SortedArrayIterator.Entry e : entries) {
                model.put(new ModelKey(e.userKey(), e.trailer(), c), e.value());
            }
            children.add(SortedArrayIterator.of(new ArrayList<>(entries)));
        }

        StringBuilder log = new StringBuilder();
        try (MergingIterator it = new MergingIterator(children)) {
            ModelKey pos = null;
            for (int op = 0; op < OPS_PER_ROUND; op++) {
                int choice = rnd.nextInt(10);
                if (pos == null && choice >= 4) {
                    choice = rnd.nextInt(4); // steps need a position
                }
                switch (choice) {
                    case 0 -> {
                        log.append("seekToFirst; ");
                        it.seekToFirst();
                        pos = model.isEmpty() ? null : model.firstKey();
                    }
                    case 1 -> {
                        log.append("seekToLast; ");
                        it.seekToLast();
                        pos = model.isEmpty() ? null : model.lastKey();
                    }
                    case 2 -> {
                        byte[] key = randomKey(rnd);
                        long trailer = randomSeekTrailer(rnd);
                        log.append("seek(").append(InternalKeys.toDebugString(key, trailer)).append("); ");
                        it.seek(key, trailer);
                        pos = model.ceilingKey(new ModelKey(key, trailer, Integer.MIN_VALUE));
                    }
                    case 3 -> {
                        byte[] key = randomKey(rnd);
                        long trailer = randomSeekTrailer(rnd);
                        log.append("seekForPrev(").append(InternalKeys.toDebugString(key, trailer)).append("); ");
                        it.seekForPrev(key, trailer);
                        pos = model.floorKey(new ModelKey(key, trailer, Integer.MAX_VALUE));
                    }
                    case 4, 5, 6 -> {
                        log.append("next; ");
                        it.next();
                        pos = model.higherKey(pos);
                    }
                    default -> {
                        log.append("prev; ");
                        it.prev();
                        pos = model.lowerKey(pos);
                    }
                }
                check(it, pos, pos == null ? null : model.get(pos), context, log);
            }
        }
        for (SortedArrayIterator child : children) {
            if (!child.isClosed()) {
                fail(context + ": a child was not closed");
            }
        }
    }

    private static void check(MergingIterator it, ModelKey expected, byte[] value, String context, StringBuilder log) {
        String where = context + " after: " + log;
        if (expected == null) {
            if (it.valid()) {
                fail(where + "\nexpected invalid, got " + InternalKeys.toDebugString(it.userKey(), it.trailer()));
            }
            return;
        }
        if (!it.valid()) {
            fail(where + "\nexpected " + InternalKeys.toDebugString(expected.userKey, expected.trailer) + ", got invalid");
        }
        assertArrayEquals(expected.userKey, it.userKey(), where);
        assertEquals(expected.trailer, it.trailer(), where);
        if (!Arrays.equals(value, 0, value.length, it.valueArray(), it.valueOffset(), it.valueOffset() + it.valueLength())) {
            fail(where + "\nthe value in place differs from " + new String(value));
        }
        if (!Arrays.equals(value, it.value())) {
            fail(where + "\nexpected value " + new String(value) + " (child " + expected.child + "), got "
                    + new String(it.value()));
        }
    }

    private static byte[] randomKey(Random rnd) {
        byte[] key = new byte[rnd.nextInt(3)];
        for (int i = 0; i < key.length; i++) {
            key[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return key;
    }

    private static long randomEntryTrailer(Random rnd) {
        return InternalKeys.trailer(1 + rnd.nextInt(8), rnd.nextBoolean() ? KeyKind.PUT : KeyKind.DELETE);
    }

    private static long randomSeekTrailer(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0L;
            case 1 -> -1L; // the unsigned maximum: before every entry of the key
            case 2 -> InternalKeys.seekTrailer(rnd.nextInt(10));
            default -> randomEntryTrailer(rnd); // often an exact hit
        };
    }
}
