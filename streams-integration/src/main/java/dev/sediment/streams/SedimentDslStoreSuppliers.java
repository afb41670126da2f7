package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentSessionBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentWindowBytesStoreSupplier;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

import java.util.Map;

/**
 * Makes Sediment the store of every DSL store of a topology with one config line:
 * {@code dsl.store.suppliers.class=dev.sediment.streams.SedimentDslStoreSuppliers}: key-value, window (tumbling,
 * hopping, sliding, stream-stream joins with duplicates) and session stores, with
 * {@code EmitStrategy.onWindowClose()} served in time order as Kafka's time-ordered stores serve it. Each store
 * gets the format its operator asks for ({@code dslStoreFormat()}): {@code PLAIN} a plain store,
 * {@code TIMESTAMPED} a timestamped one, {@code HEADERS} ({@code dsl.store.format=headers}) one in Kafka's
 * headers format (KIP-1271) that keeps each record's headers. Every store this interface lets a supplier choose is
 * a Sediment store, in every format.
 */
public class SedimentDslStoreSuppliers implements DslStoreSuppliers {
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
            return SedimentStores.timestampedKeyValueStoreWithHeaders(params.name());
        }
        return format == DslStoreFormat.PLAIN
                ? SedimentStores.keyValueStore(params.name())
                : SedimentStores.timestampedKeyValueStore(params.name());
    }

    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        DslStoreFormat format = params.dslStoreFormat();
        WindowBytesStoreSupplier checked = switch (format) {
            case PLAIN -> SedimentStores.windowStore(params.name(), params.retentionPeriod(), params.windowSize(),
                    params.retainDuplicates());
            case TIMESTAMPED -> SedimentStores.timestampedWindowStore(params.name(), params.retentionPeriod(),
                    params.windowSize(), params.retainDuplicates());
            case HEADERS -> SedimentStores.timestampedWindowStoreWithHeaders(params.name(), params.retentionPeriod(),
                    params.windowSize(), params.retainDuplicates());
        };
        if (params.emitStrategy().type() != EmitStrategy.StrategyType.ON_WINDOW_CLOSE) {
            return checked;
        }
        // As Kafka's time-ordered store for this strategy: timestamped values, closed windows scanned by time.
        return format == DslStoreFormat.HEADERS
                ? new SedimentWindowBytesStoreSupplier.WithHeaders(checked.name(), checked.retentionPeriod(),
                        checked.segmentIntervalMs(), checked.windowSize(), checked.retainDuplicates(), true)
                : new SedimentWindowBytesStoreSupplier(checked.name(), checked.retentionPeriod(),
                        checked.segmentIntervalMs(), checked.windowSize(), checked.retainDuplicates(), true, true);
    }

    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        boolean headers = params.storeFormat() == DslStoreFormat.HEADERS;
        SessionBytesStoreSupplier checked = headers
                ? SedimentStores.sessionStoreWithHeaders(params.name(), params.retentionPeriod())
                : SedimentStores.sessionStore(params.name(), params.retentionPeriod());
        if (params.emitStrategy().type() != EmitStrategy.StrategyType.ON_WINDOW_CLOSE) {
            return checked;
        }
        return headers
                ? new SedimentSessionBytesStoreSupplier.WithHeaders(checked.name(), checked.retentionPeriod(),
                        checked.segmentIntervalMs(), true)
                : new SedimentSessionBytesStoreSupplier(checked.name(), checked.retentionPeriod(),
                        checked.segmentIntervalMs(), true);
    }
}
