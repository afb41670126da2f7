package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Objects;

/**
 * Supplies {@link SedimentKeyValueStore}s (plain) or {@link SedimentTimestampedKeyValueStore}s; Kafka calls
 * {@link #get()} once per task.
 */
public final class SedimentKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
    private final String name;
    private final boolean timestamped;

    public SedimentKeyValueBytesStoreSupplier(String name, boolean timestamped) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.timestamped = timestamped;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return timestamped ? new SedimentTimestampedKeyValueStore(name) : new SedimentKeyValueStore(name);
    }

    @Override
    public String metricsScope() {
        return SedimentStores.METRICS_SCOPE;
    }
}
