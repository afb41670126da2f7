package dev.sediment.streams.internal;

import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * The timestamped key-value store: values carry Kafka's 8-byte record-timestamp prefix, in put and in
 * restore alike (Kafka adds it to restored changelog values because this is a {@link TimestampedBytesStore}).
 * For {@code Stores.timestampedKeyValueStoreBuilder}, {@code Materialized.as} and the DSL, which then need no
 * adapter, so IQv2 {@code KeyQuery} and {@code RangeQuery} reach it directly.
 */
public final class SedimentTimestampedKeyValueStore extends SedimentKeyValueStore implements TimestampedBytesStore {
    public SedimentTimestampedKeyValueStore(String name) {
        super(name, TIMESTAMPED);
    }
}
