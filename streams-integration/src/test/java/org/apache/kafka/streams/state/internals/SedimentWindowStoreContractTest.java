package org.apache.kafka.streams.state.internals;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's own window store suite (kafka-streams 4.3.1 test jar) against {@code SedimentStores.windowStore}; its
 * factory is package-private, hence this package. The suite switches duplicates on itself where it tests them.
 */
class SedimentWindowStoreContractTest extends AbstractWindowBytesStoreTest {
    /**
     * A name per store: two suite tests open a second store beside the one their setup opened, in the same
     * state directory, which Kafka Streams never does (a store name is unique in a task) and which the
     * engine's directory lock refuses.
     */
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    <K, V> WindowStore<K, V> buildWindowStore(long retentionPeriod, long windowSize, boolean retainDuplicates,
                                              Serde<K> keySerde, Serde<V> valueSerde) {
        return Stores.windowStoreBuilder(SedimentStores.windowStore("sediment-window-" + STORES.incrementAndGet(), Duration.ofMillis(retentionPeriod),
                Duration.ofMillis(windowSize), retainDuplicates), keySerde, valueSerde).build();
    }
}
