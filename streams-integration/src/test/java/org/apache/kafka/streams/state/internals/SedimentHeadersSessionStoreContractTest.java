package org.apache.kafka.streams.state.internals;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Kafka's session store suite against the store {@code SedimentStores.sessionStoreWithHeaders} supplies (a
 * {@link HeadersBytesStore} from a {@link HeadersBytesStoreSupplier}), through the plain builder as Kafka runs the
 * suite on its own headers session stores. Same store type as {@link SedimentSessionStoreContractTest}: the
 * headers store is the same store with another value format.
 */
class SedimentHeadersSessionStoreContractTest extends AbstractSessionBytesStoreTest {
    /** A name per store: two suite tests open a second store beside their setup's in the same state directory. */
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    StoreType storeType() {
        return StoreType.RocksDBTimeOrderedSessionStoreWithoutIndex;
    }

    @Override
    <K, V> SessionStore<K, V> buildSessionStore(long retentionPeriod, Serde<K> keySerde, Serde<V> valueSerde) {
        SessionBytesStoreSupplier supplier = SedimentStores.sessionStoreWithHeaders(
                "sediment-headers-session-" + STORES.incrementAndGet(), Duration.ofMillis(retentionPeriod));
        assertInstanceOf(HeadersBytesStoreSupplier.class, supplier);
        assertInstanceOf(HeadersBytesStore.class, supplier.get());
        return Stores.sessionStoreBuilder(supplier, keySerde, valueSerde).build();
    }
}
