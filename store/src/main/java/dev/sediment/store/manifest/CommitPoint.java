package dev.sediment.store.manifest;

import java.util.Map;

/**
 * "The state up to {@code revision} is what the changelog holds up to {@code offsets}" (design §3, §5).
 * Recorded by {@code commit(offsets)}. Immutable.
 *
 * @param revision        the store's last visible revision when the commit was taken
 * @param offsets         opaque name → offset map (negative sentinels allowed); unmodifiable
 * @param position        opaque bytes the caller persists with the commit (Kafka Streams' IQ position); may be empty, never null
 * @param wallTimeMillis  wall-clock time of the commit
 */
public record CommitPoint(long revision, Map<String, Long> offsets, byte[] position, long wallTimeMillis) {
    public CommitPoint {
        offsets = Map.copyOf(offsets);
        if (position == null) {
            throw new NullPointerException("position");
        }
    }
}
