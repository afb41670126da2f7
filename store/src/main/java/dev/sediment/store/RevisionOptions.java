package dev.sediment.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How long revisions and commit points matter (design §5). Immutable; build with {@link #builder()}.
 *
 * @param historyRetentionRevisions keep superseded versions readable at the last this-many revisions
 *                                  ({@link Store#get(byte[], long)}); 0 = no history (the default)
 * @param historyRetention          keep superseded versions readable for this long; {@link Duration#ZERO}
 *                                  = no history (the default). With both set, the longer history wins.
 * @param tombstoneRetention        the age guard: a recovery point older than this reports no offsets and
 *                                  opens empty, because the changelog may have dropped tombstones since
 *                                  (Kafka's {@code delete.retention.ms} is 24 h by default; 12 h here leaves
 *                                  a margin). {@link Duration#ZERO} turns the guard off.
 * @param maxReplayAge              bounded replay: memtables are flushed once the oldest commit point above
 *                                  the flushed revision is older than this, so a crash replays at most about
 *                                  this much of the changelog. {@link Duration#ZERO} = flush only when full.
 *                                  Default 30 s: one small extra L0 table per 30 s at most, against a replay
 *                                  that Kafka Streams restores in a few seconds.
 */
public record RevisionOptions(long historyRetentionRevisions, Duration historyRetention, Duration tombstoneRetention,
                              Duration maxReplayAge) {

    public RevisionOptions {
        if (historyRetentionRevisions < 0) {
            throw new IllegalArgumentException("historyRetentionRevisions must be >= 0: " + historyRetentionRevisions);
        }
        nonNegative("historyRetention", historyRetention);
        nonNegative("tombstoneRetention", tombstoneRetention);
        nonNegative("maxReplayAge", maxReplayAge);
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0: " + d);
        }
    }

    public static RevisionOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether superseded versions are kept for reads at a revision. */
    public boolean keepsHistory() {
        return historyRetentionRevisions > 0 || !historyRetention.isZero();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.historyRetentionRevisions = historyRetentionRevisions;
        b.historyRetention = historyRetention;
        b.tombstoneRetention = tombstoneRetention;
        b.maxReplayAge = maxReplayAge;
        return b;
    }

    /** Builds {@link RevisionOptions}; every field starts at its documented default. */
    public static final class Builder {
        private long historyRetentionRevisions;
        private Duration historyRetention = Duration.ZERO;
        private Duration tombstoneRetention = Duration.ofHours(12);
        private Duration maxReplayAge = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder historyRetentionRevisions(long v) {
            historyRetentionRevisions = v;
            return this;
        }

        public Builder historyRetention(Duration v) {
            historyRetention = v;
            return this;
        }

        public Builder tombstoneRetention(Duration v) {
            tombstoneRetention = v;
            return this;
        }

        public Builder maxReplayAge(Duration v) {
            maxReplayAge = v;
            return this;
        }

        public RevisionOptions build() {
            return new RevisionOptions(historyRetentionRevisions, historyRetention, tombstoneRetention, maxReplayAge);
        }
    }
}
