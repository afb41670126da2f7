package dev.sediment.streams.headers;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's own key-value store contract suite (kafka-streams 4.3.1 test jar) through our headers-format supplier.
 * The suite speaks plain values, so the store is built with Kafka's plain builder: the headers store keeps the
 * bytes it is given, whatever their format.
 */
class HeadersKeyValueStoreContractTest extends AbstractKeyValueStoreTest {
    @Override
    @SuppressWarnings("unchecked")
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(SedimentStores.timestampedKeyValueStoreWithHeaders("my-store"),
                (Serde<K>) context.keySerde(), (Serde<V>) context.valueSerde()).build();
        store.init(context, store);
        return store;
    }
}
