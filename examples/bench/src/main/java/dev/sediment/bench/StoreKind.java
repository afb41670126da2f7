package dev.sediment.bench;

import dev.sediment.streams.SedimentStores;
import java.util.Locale;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/** The stores compared: each is the innermost {@code KeyValueStore<Bytes, byte[]>} its supplier builds. */
public enum StoreKind {
    SEDIMENT,
    ROCKSDB,
    IN_MEMORY;

    public KeyValueBytesStoreSupplier supplier(String name) {
        return switch (this) {
            case SEDIMENT -> SedimentStores.keyValueStore(name);
            case ROCKSDB -> Stores.persistentKeyValueStore(name);
            case IN_MEMORY -> Stores.inMemoryKeyValueStore(name);
        };
    }

    /** The supplier of the timestamped variant, the one the DSL ({@code Materialized.as}) is meant for. */
    public KeyValueBytesStoreSupplier timestampedSupplier(String name) {
        return switch (this) {
            case SEDIMENT -> SedimentStores.timestampedKeyValueStore(name);
            case ROCKSDB -> Stores.persistentTimestampedKeyValueStore(name);
            case IN_MEMORY -> Stores.inMemoryKeyValueStore(name);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
