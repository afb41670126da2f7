package dev.sediment.store.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM-wide compaction slots: all but one pool thread normally, every thread when urgent; parked passes woken. */
class CompactionSlotsTest {
    private final List<String> woken = new ArrayList<>();

    private Runnable wake(String name) {
        return () -> woken.add(name);
    }

    @Test
    void onTwoThreadsOneCompactionRunsUnlessUrgent() {
        CompactionSlots slots = new CompactionSlots(2);
        assertTrue(slots.tryAcquire(false, wake("a")));
        assertFalse(slots.tryAcquire(false, wake("b")), "a second ordinary compaction leaves the thread to flushes");
        assertTrue(slots.tryAcquire(true, wake("c")), "an urgent one takes the second thread");
        assertFalse(slots.tryAcquire(true, wake("d")), "never more than the pool's threads");
        assertEquals(2, slots.running());
        assertEquals(2, slots.parked());
    }

    @Test
    void aStoresSecondCompactionNeverParks() {
        CompactionSlots slots = new CompactionSlots(2);
        assertTrue(slots.tryAcquire(false, wake("a")));
        assertFalse(slots.tryAcquireWithoutParking(false), "not urgent: the second thread stays with flushes");
        assertTrue(slots.tryAcquireWithoutParking(true), "urgent: the second thread");
        assertFalse(slots.tryAcquireWithoutParking(true));
        assertEquals(0, slots.parked(), "a helper that gets no slot just stops");
        slots.release();
        assertEquals(List.of(), woken);
        assertEquals(1, slots.running());
    }

    @Test
    void aReleaseWakesEveryParkedPassOnce() {
        CompactionSlots slots = new CompactionSlots(2);
        Runnable b = wake("b");
        assertTrue(slots.tryAcquire(false, wake("a")));
        assertFalse(slots.tryAcquire(false, b));
        assertFalse(slots.tryAcquire(false, b)); // asked again before a wake: parked once
        assertFalse(slots.tryAcquire(false, wake("c")));
        assertEquals(2, slots.parked());
        slots.release();
        assertEquals(List.of("b", "c"), woken);
        assertEquals(0, slots.parked());
        assertTrue(slots.tryAcquire(false, b));
        assertFalse(slots.tryAcquire(false, wake("c")), "the loser parks again");
        assertEquals(1, slots.parked());
    }

    @Test
    void aPassThatGetsASlotIsNoLongerParked() {
        CompactionSlots slots = new CompactionSlots(2);
        Runnable b = wake("b");
        assertTrue(slots.tryAcquire(false, wake("a")));
        assertFalse(slots.tryAcquire(false, b));
        assertTrue(slots.tryAcquire(true, b)); // its L0 grew past the speed-up threshold meanwhile
        assertEquals(0, slots.parked());
        slots.release();
        assertEquals(List.of(), woken);
    }

    @Test
    void oneThreadAlwaysAllowsOneCompaction() {
        CompactionSlots slots = new CompactionSlots(1);
        assertTrue(slots.tryAcquire(false, wake("a")));
        assertFalse(slots.tryAcquire(true, wake("b")));
        slots.release();
        assertEquals(List.of("b"), woken);
        assertThrows(IllegalStateException.class, slots::release, "releasing more than was taken is a bug");
    }

    @Test
    void aPoolWithoutThreadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CompactionSlots(0));
    }
}
