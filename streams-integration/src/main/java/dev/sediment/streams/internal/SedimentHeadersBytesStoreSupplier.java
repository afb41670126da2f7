package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Objects;

/**
 * Supplies {@link SedimentHeadersKeyValueStore}s. A {@link HeadersBytesStoreSupplier}, so Kafka's materializer
 * builds a headers-aware store around it.
 */
public final class SedimentHeadersBytesStoreSupplier implements KeyValueBytesStoreSupplier, HeadersBytesStoreSupplier {
    private final String name;

    public SedimentHeadersBytesStoreSupplier(String name) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return new SedimentHeadersKeyValueStore(name);
    }

    @Override
    public String metricsScope() {
        return SedimentStores.METRICS_SCOPE;
    }
}
