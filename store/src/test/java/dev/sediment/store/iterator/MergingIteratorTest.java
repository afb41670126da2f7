package dev.sediment.store.iterator;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergingIteratorTest {

    @Test
    void noChildrenIsNeverValid() {
        MergingIterator it = new MergingIterator();
        assertAllSeeksInvalid(it);
        assertThrows(IllegalStateException.class, it::next);
        assertThrows(IllegalStateException.class, it::userKey);
        it.close();
    }

    @Test
    void allChildrenEmptyIsNeverValid() {
        MergingIterator it = new MergingIterator(child(), child(), child());
        assertAllSeeksInvalid(it);
        it.close();
    }

    @Test
    void singleChildIsPassedThroughBothWays() {
        MergingIterator it = new MergingIterator(child("a#3=x", "a#2=y", "b#9=z"));
        assertEquals(List.of("a#3=x", "a#2=y", "b#9=z"), forward(it));
        assertEquals(List.of("b#9=z", "a#2=y", "a#3=x"), reverse(it));
        it.seek(bytes("a"), InternalKeys.trailer(2, KeyKind.PUT));
        assertEquals("a#2=y", current(it));
        it.seekForPrev(bytes("a"), InternalKeys.trailer(2, KeyKind.DELETE));
        assertEquals("a#2=y", current(it));
        it.seekForPrev(bytes("a"), InternalKeys.trailer(5, KeyKind.PUT));
        assertFalse(it.valid());
    }

    @Test
    void equalInternalKeysAreOrderedByChildIndex() {
        MergingIterator it = new MergingIterator(
                child("a#5=new", "c#1=c0"),
                child("a#5=mid", "b#1=b1"),
                child("a#5=old", "a#4=older"));
        assertEquals(List.of("a#5=new", "a#5=mid", "a#5=old", "a#4=older", "b#1=b1", "c#1=c0"), forward(it));
        assertEquals(List.of("c#1=c0", "b#1=b1", "a#4=older", "a#5=old", "a#5=mid", "a#5=new"), reverse(it));

        long t5 = InternalKeys.trailer(5, KeyKind.PUT);
        it.seek(bytes("a"), t5);
        assertEquals("a#5=new", current(it));
        it.seekForPrev(bytes("a"), t5);
        assertEquals("a#5=old", current(it));
    }

    @Test
    void directionChangesAmongDuplicates() {
        MergingIterator it = new MergingIterator(
                child("a#5=new"),
                child("a#5=mid"),
                child("a#5=old"));
        it.seekToFirst();
        it.next();
        assertEquals("a#5=mid", current(it));
        it.prev();
        assertEquals("a#5=new", current(it));
        it.next();
        assertEquals("a#5=mid", current(it));
        it.next();
        assertEquals("a#5=old", current(it));
        it.prev();
        assertEquals("a#5=mid", current(it));
        it.prev();
        assertEquals("a#5=new", current(it));
        it.prev();
        assertFalse(it.valid());
        it.seekToLast();
        assertEquals("a#5=old", current(it));
        it.next();
        assertFalse(it.valid());
    }

    @Test
    void closeClosesEveryChildOnce() {
        SortedArrayIterator a = child("a#1=x");
        SortedArrayIterator b = child();
        MergingIterator it = new MergingIterator(List.of(a, b));
        it.seekToFirst();
        it.close();
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertFalse(it.valid());
        it.close();
    }

    @Test
    void closeClosesRemainingChildrenWhenOneThrows() {
        SortedArrayIterator last = child();
        MergingIterator it = new MergingIterator(List.of(new ThrowingOnClose(), last));
        RuntimeException e = assertThrows(RuntimeException.class, it::close);
        assertEquals("close failed", e.getMessage());
        assertTrue(last.isClosed());
    }

    private static void assertAllSeeksInvalid(InternalIterator it) {
        it.seekToFirst();
        assertFalse(it.valid());
        it.seekToLast();
        assertFalse(it.valid());
        it.seek(bytes("a"), 0);
        assertFalse(it.valid());
        it.seekForPrev(bytes("a"), 0);
        assertFalse(it.valid());
    }

    /** Entries written as {@code key#revision=value}, all puts, already in order. */
    static SortedArrayIterator child(String... entries) {
        List<SortedArrayIterator.Entry> list = new ArrayList<>();
        for (String e : entries) {
            int hash = e.indexOf('#');
            int eq = e.indexOf('=');
            long revision = Long.parseLong(e.substring(hash + 1, eq));
            list.add(new SortedArrayIterator.Entry(bytes(e.substring(0, hash)),
                    InternalKeys.trailer(revision, KeyKind.PUT), bytes(e.substring(eq + 1))));
        }
        return SortedArrayIterator.of(list);
    }

    static String current(InternalIterator it) {
        assertTrue(it.valid());
        return new String(it.userKey(), StandardCharsets.UTF_8) + "#" + InternalKeys.revision(it.trailer()) + "="
                + new String(it.value(), StandardCharsets.UTF_8);
    }

    static List<String> forward(InternalIterator it) {
        List<String> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            out.add(current(it));
        }
        return out;
    }

    static List<String> reverse(InternalIterator it) {
        List<String> out = new ArrayList<>();
        for (it.seekToLast(); it.valid(); it.prev()) {
            out.add(current(it));
        }
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final class ThrowingOnClose implements InternalIterator {
        @Override
        public boolean valid() {
            return false;
        }

        @Override
        public void seekToFirst() {
        }

        @Override
        public void seekToLast() {
        }

        @Override
        public void seek(byte[] userKey, long trailer) {
        }

        @Override
        public void seekForPrev(byte[] userKey, long trailer) {
        }

        @Override
        public void next() {
        }

        @Override
        public void prev() {
        }

        @Override
        public byte[] userKey() {
            throw new IllegalStateException();
        }

        @Override
        public long trailer() {
            throw new IllegalStateException();
        }

        @Override
        public byte[] value() {
            throw new IllegalStateException();
        }

        @Override
        public void close() {
            throw new IllegalStateException("close failed");
        }
    }
}
