package dev.sediment.streams;

import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * Makes Sediment the store of every DSL key-value store of a topology with one config line:
 * {@code dsl.store.suppliers.class=dev.sediment.streams.SedimentDslStoreSuppliers}.
 *
 * <p>Key-value stores in every format are Sediment's ({@link DslStoreFormat#HEADERS} included). Sediment has
 * no window or session stores yet: those stay on Kafka's built-in RocksDB stores.
 */
public class SedimentDslStoreSuppliers implements DslStoreSuppliers {
    private final DslStoreSuppliers fallback = new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers();

    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        if (params.dslStoreFormat() == DslStoreFormat.HEADERS) {
            return SedimentStores.timestampedKeyValueStoreWithHeaders(params.name());
        }
        return SedimentStores.keyValueStore(params.name());
    }

    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        return fallback.windowStore(params);
    }

    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        return fallback.sessionStore(params);
    }
}
