package dev.sediment.store.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The SLOWDOWN pacing: waits in proportion to bytes, no credit for idle time, a reset forgets bookings. */
class WritePacerTest {
    private static final long MS = 1_000_000;

    @Test
    void smallWritesPayInProportionToTheirSize() {
        WritePacer p = new WritePacer(1_000_000); // 1 MB/s: 1 byte = 1 us
        long ahead = 0;
        for (int i = 0; i < 100; i++) {
            ahead = p.book(0, 100); // 100 writes of 100 bytes at the same instant
        }
        assertEquals(10 * MS, ahead, "10 KB at 1 MB/s is 10 ms ahead");
        assertEquals(5 * MS + 100_000, p.book(5 * MS, 100), "the clock pays part of the booking off");
    }

    @Test
    void idleTimeEarnsNoCredit() {
        WritePacer p = new WritePacer(1_000_000);
        p.book(0, 1000);
        assertEquals(1000 * 1000, p.book(10_000 * MS, 1000), "after a pause only the write's own cost is ahead");
        assertEquals(2000 * 1000, p.book(10_000 * MS, 1000));
    }

    @Test
    void aResetForgetsEarlierBookingsAndNegativeClocksWork() {
        WritePacer p = new WritePacer(1_000_000);
        p.book(-50 * MS, 40_000); // System.nanoTime may be negative
        assertEquals(30 * MS, p.book(-40 * MS, 0));
        p.reset();
        assertEquals(1000 * 1000, p.book(-40 * MS, 1000));
        assertThrows(IllegalArgumentException.class, () -> new WritePacer(0));
    }
}
