package dev.sediment.store.revision;

import dev.sediment.store.RevisionOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The history horizon (design §5): every version of a key above it stays readable. It follows the
 * retention (by revisions, by age, the longer wins) and never goes below an explicit trim. Age-based
 * retention needs to know which revision was last at a wall time: the write path samples
 * (time, revision) pairs here. Thread-safe: samples are taken under the write lock and read under the
 * state lock, so the sample list has a monitor of its own.
 */
public final class HistoryRetention {
    private final RevisionOptions options;
    /** (wall millis, revision), oldest first. Guarded by itself. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    /** Written by the one thread that samples (the write lock holder). */
    private long lastSampleMillis = Long.MIN_VALUE;

    public HistoryRetention(RevisionOptions options) {
        this.options = options;
    }

    public boolean keepsHistory() {
        return options.keepsHistory();
    }

    /**
     * The horizon for a store whose last visible revision is {@code visible} and whose manifest trimmed
     * to {@code trimHorizon}, at wall time {@code nowMillis}; {@link Long#MAX_VALUE} when no history is kept.
     */
    public long horizon(long visible, long trimHorizon, long nowMillis) {
        if (!options.keepsHistory()) {
            return Long.MAX_VALUE;
        }
        long h = Long.MAX_VALUE;
        if (options.historyRetentionRevisions() > 0) {
            h = Math.max(0, visible - options.historyRetentionRevisions());
        }
        if (!options.historyRetention().isZero()) {
            h = Math.min(h, revisionAt(nowMillis - options.historyRetention().toMillis()));
        }
        return Math.max(h, trimHorizon);
    }

    /**
     * The last revision at wall time {@code millis}, from the samples; 0 (keep everything) when no sample
     * is that old, as right after open.
     */
    long revisionAt(long millis) {
        synchronized (samples) {
            long rev = 0;
            while (!samples.isEmpty() && samples.peekFirst()[0] <= millis) {
                long[] first = samples.pollFirst();
                rev = first[1];
                if (samples.isEmpty() || samples.peekFirst()[0] > millis) {
                    samples.addFirst(first); // still the answer for this and later times
                    break;
                }
            }
            return rev;
        }
    }

    /** Records (now, revision) for age-based history, at most every ~1/20 of the retention. */
    public void sample(Clock clock, long revision) {
        Duration age = options.historyRetention();
        if (age.isZero()) {
            return;
        }
        long nowMillis = clock.millis();
        if (nowMillis - lastSampleMillis >= Math.max(1, Math.min(1000, age.toMillis() / 20))) {
            lastSampleMillis = nowMillis;
            synchronized (samples) {
                samples.addLast(new long[] {nowMillis, revision});
            }
        }
    }
}
