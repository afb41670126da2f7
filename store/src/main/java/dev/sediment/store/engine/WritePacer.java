package dev.sediment.store.engine;

/**
 * Paces writes to a byte rate (a write stall's SLOWDOWN, RocksDB's delayed write rate): each write books
 * its share of the rate, and {@link #book} says how far the booked time runs ahead of the clock, which is
 * what the writer should wait. Idle time earns no credit beyond the present, so a burst after a pause is
 * paced from the pause's end. Not thread-safe: the caller holds the store's state lock.
 */
final class WritePacer {
    private final long bytesPerSecond;
    private long bookedUntil;
    private boolean booked;

    WritePacer(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Books {@code bytes} at {@code nowNanos}; returns the nanoseconds the booked time runs ahead of it. */
    long book(long nowNanos, long bytes) {
        long cost = Math.max(0, bytes) * 1_000_000_000L / bytesPerSecond;
        bookedUntil = (booked && bookedUntil - nowNanos > 0 ? bookedUntil : nowNanos) + cost;
        booked = true;
        return bookedUntil - nowNanos;
    }

    /** Forgets the bookings: the next slowdown starts from its own clock. */
    void reset() {
        booked = false;
    }
}
