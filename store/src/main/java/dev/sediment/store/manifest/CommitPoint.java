package dev.sediment.store.manifest;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * "The state up to {@code revision} is what the changelog holds up to {@code offsets}" (design §3, §5).
 * Recorded by {@code commit(offsets)}. Immutable.
 *
 * <p>Equality compares {@code position} by content.
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

    @Override
    public boolean equals(Object o) {
        return o instanceof CommitPoint c
                && revision == c.revision && wallTimeMillis == c.wallTimeMillis
                && offsets.equals(c.offsets) && Arrays.equals(position, c.position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, offsets, Arrays.hashCode(position), wallTimeMillis);
    }

    @Override
    public String toString() {
        // Sorted so debug strings are deterministic (Map.copyOf has no stable order).
        return "CommitPoint[rev " + revision + " " + new TreeMap<>(offsets) + " position " + position.length
                + "B at " + wallTimeMillis + "]";
    }
}
