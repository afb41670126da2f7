package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.slf4j.Logger;

import java.util.Objects;

/**
 * Kafka's key range arguments as the engine's {@link KeyRange}, with Kafka's checks: every read-only view of a
 * Sediment key-value store turns {@code range}, {@code reverseRange} and {@code prefixScan} arguments into the same
 * ranges, and the window and session stores refuse an inverted key range the same way.
 */
final class KafkaKeyRanges {
    /** Kafka's wording, kept exactly: AbstractKeyValueStoreTest and users' log alerts look for it. */
    static final String INVALID_RANGE_WARNING = "Returning empty iterator for fetch with invalid key range: from > to. "
            + "This may be due to range arguments set in the wrong order, or serdes that don't preserve ordering when "
            + "lexicographically comparing the serialized bytes. Note that the built-in numerical serdes do not follow "
            + "this for negative numbers";
    private static final KeyRange EMPTY = KeyRange.of(new byte[] {1}, true, new byte[] {0}, true);

    private KafkaKeyRanges() {
    }

    /** Whether {@code from > to} (neither null): Kafka's stores then return nothing and log its warning to {@code log}. */
    static boolean inverted(Bytes from, Bytes to, Logger log) {
        if (from != null && to != null && from.compareTo(to) > 0) {
            log.warn(INVALID_RANGE_WARNING);
            return true;
        }
        return false;
    }

    /** Keys {@code from..to}, both inclusive, a null bound open; nothing (with the warning) if inverted. */
    static KeyRange closed(Bytes from, Bytes to, Logger log) {
        if (inverted(from, to, log)) {
            return EMPTY;
        }
        return KeyRange.closed(from == null ? null : from.get(), to == null ? null : to.get());
    }

    /** Exactly the keys starting with the serialized prefix, also when it ends in 0xFF bytes. */
    static <PS extends Serializer<P>, P> KeyRange prefix(P prefix, PS prefixKeySerializer) {
        Objects.requireNonNull(prefix, "prefix cannot be null");
        Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
        return KeyRange.prefix(prefixKeySerializer.serialize(null, prefix));
    }
}
