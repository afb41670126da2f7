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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Makes Sediment the store of every DSL key-value store of a topology with one config line:
 * {@code dsl.store.suppliers.class=dev.sediment.streams.SedimentDslStoreSuppliers}. Each store gets the
 * format its operator asks for ({@link DslKeyValueParams#dslStoreFormat()}): {@code PLAIN} a plain store,
 * {@code TIMESTAMPED} a timestamped one.
 *
 * <p>Sediment has no window, session or header-preserving stores yet: those, and key-value stores asked
 * for in the {@link DslStoreFormat#HEADERS} format, stay on Kafka's built-in RocksDB stores.
 */
public class SedimentDslStoreSuppliers implements DslStoreSuppliers {
    private static final Logger log = LoggerFactory.getLogger(SedimentDslStoreSuppliers.class);

    private final DslStoreSuppliers fallback = new BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers();

    /**
     * Checks the {@code sediment.} settings when Kafka Streams builds the topology, so a bad one (for example a
     * memory budget too large for the heap) fails at startup rather than when the first store opens.
     *
     * @throws org.apache.kafka.common.config.ConfigException for an invalid setting
     */
    @Override
    public void configure(Map<String, ?> configs) {
        new SedimentConfig(configs);
    }

    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        DslStoreFormat format = params.dslStoreFormat();
        if (format == DslStoreFormat.HEADERS) {
            log.info("key-value store {} asks for the HEADERS format, which Sediment does not have yet: "
                    + "it stays on Kafka's RocksDB store", params.name());
            return fallback.keyValueStore(params);
        }
        return format == DslStoreFormat.PLAIN
                ? SedimentStores.keyValueStore(params.name())
                : SedimentStores.timestampedKeyValueStore(params.name());
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
