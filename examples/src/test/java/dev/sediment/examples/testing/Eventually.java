package dev.sediment.examples.testing;

import dev.sediment.examples.query.StoreUnavailableException;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Waits for a value read from a running application to reach the expected one. Interactive queries
 * that cannot answer during a rebalance count as "not yet".
 */
public final class Eventually {
    private static final long POLL_MILLIS = 100;

    private Eventually() {}

    /** Asserts that {@code actual} returns {@code expected} within {@code timeout}; the failure shows the last value. */
    public static <T> void assertEventually(T expected, Supplier<T> actual, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        String unavailable = "";
        while (System.nanoTime() - deadline < 0) {
            try {
                last = actual.get();
                if (Objects.equals(expected, last)) {
                    return;
                }
            } catch (StoreUnavailableException e) {
                unavailable = "; last query failure: " + e.getMessage(); // rebalancing or restoring: ask again
            }
            Thread.sleep(POLL_MILLIS);
        }
        assertEquals(expected, last, what + " after " + timeout + unavailable);
    }
}
