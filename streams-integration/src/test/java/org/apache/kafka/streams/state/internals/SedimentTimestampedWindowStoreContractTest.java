package org.apache.kafka.streams.state.internals;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's window store suite against the store {@code SedimentStores.timestampedWindowStore} supplies. The suite
 * reads plain values (also from the changelog it captures), so the store goes through the plain builder: the
 * innermost store treats values as opaque bytes either way, and the DSL tests cover the timestamped builder.
 */
class SedimentTimestampedWindowStoreContractTest extends AbstractWindowBytesStoreTest {
    /**
     * A name per store: two suite tests open a second store beside the one their setup opened, in the same
     * state directory, which Kafka Streams never does (a store name is unique in a task) and which the
     * engine's directory lock refuses.
     */
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    <K, V> WindowStore<K, V> buildWindowStore(long retentionPeriod, long windowSize, boolean retainDuplicates,
                                              Serde<K> keySerde, Serde<V> valueSerde) {
        return Stores.windowStoreBuilder(SedimentStores.timestampedWindowStore("sediment-ts-window-" + STORES.incrementAndGet(),
                Duration.ofMillis(retentionPeriod), Duration.ofMillis(windowSize), retainDuplicates),
                keySerde, valueSerde).build();
    }
}
