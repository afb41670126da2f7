package org.apache.kafka.streams.state.internals;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Kafka's window store suite against the store {@code SedimentStores.timestampedWindowStoreWithHeaders} supplies
 * (a {@link HeadersBytesStore} from a {@link HeadersBytesStoreSupplier}). The suite reads plain values, so the store
 * goes through the plain builder, as Kafka runs the suite on its own headers stores: the innermost store keeps the
 * bytes it is given, whatever their format; the DSL tests cover the headers builder.
 */
class SedimentHeadersWindowStoreContractTest extends AbstractWindowBytesStoreTest {
    /** A name per store: two suite tests open a second store beside their setup's in the same state directory. */
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    <K, V> WindowStore<K, V> buildWindowStore(long retentionPeriod, long windowSize, boolean retainDuplicates,
                                              Serde<K> keySerde, Serde<V> valueSerde) {
        WindowBytesStoreSupplier supplier = SedimentStores.timestampedWindowStoreWithHeaders(
                "sediment-headers-window-" + STORES.incrementAndGet(), Duration.ofMillis(retentionPeriod),
                Duration.ofMillis(windowSize), retainDuplicates);
        assertInstanceOf(HeadersBytesStoreSupplier.class, supplier);
        assertInstanceOf(HeadersBytesStore.class, supplier.get());
        return Stores.windowStoreBuilder(supplier, keySerde, valueSerde).build();
    }
}
