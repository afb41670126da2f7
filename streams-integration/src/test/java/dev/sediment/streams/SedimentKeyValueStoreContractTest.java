package dev.sediment.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Kafka's own key-value store contract suite (kafka-streams 4.3.1 test jar), run against the plain supplier
 * under the builder it is meant for, {@code Stores.keyValueStoreBuilder}.
 */
class SedimentKeyValueStoreContractTest extends AbstractKeyValueStoreTest {
    @Override
    @SuppressWarnings("unchecked")
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(SedimentStores.keyValueStore("my-store"),
                (Serde<K>) context.keySerde(), (Serde<V>) context.valueSerde()).build();
        store.init(context, store);
        return store;
    }

    @Test
    void thePlainSupplierBuildsAPlainStore() {
        assertFalse(SedimentStores.keyValueStore("s").get() instanceof TimestampedBytesStore);
    }
}
