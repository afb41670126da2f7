package dev.sediment.store.iterator;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sediment.store.iterator.MergingIteratorTest.bytes;
import static dev.sediment.store.iterator.MergingIteratorTest.current;
import static dev.sediment.store.iterator.MergingIteratorTest.forward;
import static dev.sediment.store.iterator.MergingIteratorTest.reverse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SortedArrayIteratorTest {
    private static SortedArrayIterator.Entry put(String key, long revision, String value) {
        return new SortedArrayIterator.Entry(bytes(key), InternalKeys.trailer(revision, KeyKind.PUT), bytes(value));
    }

    @Test
    void sortedCopyOrdersByUserKeyThenNewestRevisionFirst() {
        SortedArrayIterator it = SortedArrayIterator.sortedCopyOf(List.of(
                put("b", 1, "b1"), put("a", 1, "a1"), put("a", 7, "a7"), put("", 3, "e3")));
        assertEquals(List.of("#3=e3", "a#7=a7", "a#1=a1", "b#1=b1"), forward(it));
        assertEquals(List.of("b#1=b1", "a#1=a1", "a#7=a7", "#3=e3"), reverse(it));
    }

    @Test
    void seeksFindFirstAtOrAfterAndLastAtOrBefore() {
        SortedArrayIterator it = SortedArrayIterator.of(List.of(put("a", 7, "a7"), put("a", 1, "a1"), put("c", 2, "c2")));
        it.seek(bytes("a"), InternalKeys.seekTrailer(5));
        assertEquals("a#1=a1", current(it));
        it.seek(bytes("a"), InternalKeys.trailer(7, KeyKind.PUT));
        assertEquals("a#7=a7", current(it));
        it.seek(bytes("b"), 0);
        assertEquals("c#2=c2", current(it));
        it.seek(bytes("d"), -1L);
        assertFalse(it.valid());
        it.seekForPrev(bytes("a"), InternalKeys.seekTrailer(5));
        assertEquals("a#7=a7", current(it));
        it.seekForPrev(bytes("b"), 0);
        assertEquals("a#1=a1", current(it));
        it.seekForPrev(bytes("a"), -1L); // unsigned max trailer sorts before every entry of "a"
        assertFalse(it.valid());
    }

    @Test
    void rejectsUnsortedOrDuplicateEntries() {
        assertThrows(IllegalArgumentException.class,
                () -> SortedArrayIterator.of(List.of(put("b", 1, "x"), put("a", 1, "y"))));
        assertThrows(IllegalArgumentException.class,
                () -> SortedArrayIterator.sortedCopyOf(List.of(put("a", 1, "x"), put("a", 1, "y"))));
    }

    @Test
    void nullValueIsEmptyAndUnpositionedAccessThrows() {
        SortedArrayIterator it = SortedArrayIterator.of(List.of(
                new SortedArrayIterator.Entry(bytes("k"), InternalKeys.trailer(1, KeyKind.DELETE), null)));
        assertFalse(it.valid());
        assertThrows(IllegalStateException.class, it::next);
        it.seekToFirst();
        assertArrayEquals(new byte[0], it.value());
        it.next();
        assertThrows(IllegalStateException.class, it::trailer);
    }
}
