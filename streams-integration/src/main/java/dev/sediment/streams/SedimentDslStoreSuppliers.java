package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentSessionBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentWindowBytesStoreSupplier;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.kstream.EmitStrategy;
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
 * Makes Sediment the store of every DSL store of a topology with one config line:
 * {@code dsl.store.suppliers.class=dev.sediment.streams.SedimentDslStoreSuppliers}: key-value, window (tumbling,
 * hopping, sliding, stream-stream joins with duplicates) and session stores, with
 * {@code EmitStrategy.onWindowClose()} served in time order as Kafka's time-ordered stores serve it. Each store
 * gets the format its operator asks for ({@code dslStoreFormat()}): {@code PLAIN} a plain store,
 * {@code TIMESTAMPED} a timestamped one.
 *
 * <p>Stores asked for in the {@link DslStoreFormat#HEADERS} format stay on Kafka's built-in RocksDB stores
 * until Sediment has header-preserving stores (logged once per store at INFO).
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
            logFallback(params.name());
            return fallback.keyValueStore(params);
        }
        return format == DslStoreFormat.PLAIN
                ? SedimentStores.keyValueStore(params.name())
                : SedimentStores.timestampedKeyValueStore(params.name());
    }

    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        if (params.dslStoreFormat() == DslStoreFormat.HEADERS) {
            logFallback(params.name());
            return fallback.windowStore(params);
        }
        WindowBytesStoreSupplier checked = params.dslStoreFormat() == DslStoreFormat.PLAIN
                ? SedimentStores.windowStore(params.name(), params.retentionPeriod(), params.windowSize(), params.retainDuplicates())
                : SedimentStores.timestampedWindowStore(params.name(), params.retentionPeriod(), params.windowSize(),
                        params.retainDuplicates());
        if (params.emitStrategy().type() != EmitStrategy.StrategyType.ON_WINDOW_CLOSE) {
            return checked;
        }
        // As Kafka's time-ordered store for this strategy: timestamped values, closed windows scanned by time.
        return new SedimentWindowBytesStoreSupplier(checked.name(), checked.retentionPeriod(), checked.segmentIntervalMs(),
                checked.windowSize(), checked.retainDuplicates(), true, true);
    }

    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        if (params.storeFormat() == DslStoreFormat.HEADERS) {
            logFallback(params.name());
            return fallback.sessionStore(params);
        }
        SessionBytesStoreSupplier checked = SedimentStores.sessionStore(params.name(), params.retentionPeriod());
        if (params.emitStrategy().type() != EmitStrategy.StrategyType.ON_WINDOW_CLOSE) {
            return checked;
        }
        return new SedimentSessionBytesStoreSupplier(checked.name(), checked.retentionPeriod(), checked.segmentIntervalMs(),
                true);
    }

    private static void logFallback(String store) {
        log.info("store {}: the HEADERS store format has no Sediment store yet; it runs on Kafka's RocksDB store", store);
    }
}
