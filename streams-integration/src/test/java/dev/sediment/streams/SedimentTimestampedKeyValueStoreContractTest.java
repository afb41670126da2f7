package dev.sediment.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's own key-value store contract suite run against the timestamped supplier under
 * {@code Stores.timestampedKeyValueStoreBuilder}. The suite speaks {@code KeyValueStore<K, V>}, so the
 * timestamped store is seen through {@link TimestampedAsPlainStore}, which stamps values on the way in
 * and drops the timestamp on the way out.
 */
class SedimentTimestampedKeyValueStoreContractTest extends AbstractKeyValueStoreTest {
    @Override
    @SuppressWarnings("unchecked")
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        TimestampedKeyValueStore<K, V> store = Stores.timestampedKeyValueStoreBuilder(
                SedimentStores.timestampedKeyValueStore("my-store"),
                (Serde<K>) context.keySerde(), (Serde<V>) context.valueSerde()).build();
        store.init(context, store);
        return new TimestampedAsPlainStore<>(store);
    }

    /**
     * Kafka's restore test, with the restored values in the format Kafka's state manager hands a timestamped
     * store (record timestamp prefix, {@code StateManagerUtil.converterForStore}); the mock context of the
     * suite skips that conversion.
     */
    @Test
    @Override
    public void testRestore() {
        restoresConvertedEntries();
    }

    @Test
    @Override
    public void testRestoreWithDefaultSerdes() {
        restoresConvertedEntries();
    }

    private void restoresConvertedEntries() {
        store.close();
        driver.addEntryToRestoreLog(0, "zero");
        driver.addEntryToRestoreLog(1, "one");
        driver.addEntryToRestoreLog(2, "two");
        driver.addEntryToRestoreLog(3, "three");
        store = createKeyValueStore(driver.context());
        List<KeyValue<byte[], byte[]>> converted = new ArrayList<>();
        for (KeyValue<byte[], byte[]> e : driver.restoredEntries()) {
            converted.add(KeyValue.pair(e.key, withTimestamp(e.value, TimestampedAsPlainStore.TIMESTAMP)));
        }
        context.restore(store.name(), converted);
        assertEquals(0, driver.checkForRestoredEntries(store));
        assertEquals(4, driver.sizeOf(store));
    }

    private static byte[] withTimestamp(byte[] value, long timestamp) {
        return value == null ? null : ByteBuffer.allocate(8 + value.length).putLong(timestamp).put(value).array();
    }

    @Test
    void theTimestampedSupplierBuildsATimestampedBytesStore() {
        assertTrue(SedimentStores.timestampedKeyValueStore("s").get() instanceof TimestampedBytesStore);
    }
}
