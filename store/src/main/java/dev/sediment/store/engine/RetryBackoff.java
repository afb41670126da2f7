package dev.sediment.store.engine;

/**
 * The delay before a failed flush or compaction is retried: 100 ms, doubling per consecutive failure up
 * to 5 s, back to none after a success. Not thread-safe: the state lock guards each instance.
 */
final class RetryBackoff {
    private static final long FIRST_DELAY_MILLIS = 100;
    private static final long MAX_DELAY_MILLIS = 5_000;

    private long delayMillis;

    /** Records a failure; returns how long to wait before the next attempt. */
    long failed() {
        delayMillis = delayMillis == 0 ? FIRST_DELAY_MILLIS : Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
        return delayMillis;
    }

    void succeeded() {
        delayMillis = 0;
    }
}
