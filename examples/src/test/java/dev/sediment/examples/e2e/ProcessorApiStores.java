package dev.sediment.examples.e2e;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Processor API topology writing every input record into two Sediment stores, each supplier under the
 * builder it is meant for: {@value #PLAIN} ({@code Stores.keyValueStoreBuilder(SedimentStores.keyValueStore)})
 * holds the value bytes, {@value #STAMPED} ({@code Stores.timestampedKeyValueStoreBuilder(
 * SedimentStores.timestampedKeyValueStore)}) the value bytes with the record timestamp. A null value deletes.
 */
final class ProcessorApiStores {
    static final String PLAIN = "pa-plain";
    static final String STAMPED = "pa-stamped";

    private ProcessorApiStores() {}

    static Topology topology(String inputTopic) {
        Topology t = new Topology();
        t.addSource("input", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), inputTopic);
        t.addProcessor("write-both", WriteBoth::new, "input");
        t.addStateStore(Stores.keyValueStoreBuilder(SedimentStores.keyValueStore(PLAIN),
                Serdes.String(), Serdes.ByteArray()), "write-both");
        t.addStateStore(Stores.timestampedKeyValueStoreBuilder(SedimentStores.timestampedKeyValueStore(STAMPED),
                Serdes.String(), Serdes.ByteArray()), "write-both");
        return t;
    }

    private static final class WriteBoth implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> plain;
        private TimestampedKeyValueStore<String, byte[]> stamped;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            plain = context.getStateStore(PLAIN);
            stamped = context.getStateStore(STAMPED);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.value() == null) {
                plain.delete(record.key());
                stamped.delete(record.key());
            } else {
                plain.put(record.key(), record.value());
                stamped.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
            }
        }
    }

    /** The plain store's content as key → hex of the value bytes (exact, comparable with equals). */
    static SortedMap<String, String> plain(KafkaStreams streams, boolean standbyToo) {
        SortedMap<String, String> out = new TreeMap<>();
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
                    params(StoreQueryParameters.fromNameAndType(PLAIN, QueryableStoreTypes.<String, byte[]>keyValueStore()),
                            standbyToo));
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> out.put(kv.key, HexFormat.of().formatHex(kv.value)));
            }
        } catch (InvalidStateStoreException e) {
            out.put("<unavailable>", e.getMessage()); // rebalancing or restoring: the caller asks again
        }
        return out;
    }

    /** The timestamped store's content as key → "hex of the value bytes @ timestamp". */
    static SortedMap<String, String> stamped(KafkaStreams streams, boolean standbyToo) {
        SortedMap<String, String> out = new TreeMap<>();
        try {
            ReadOnlyKeyValueStore<String, ValueAndTimestamp<byte[]>> store = streams.store(
                    params(StoreQueryParameters.fromNameAndType(STAMPED,
                            QueryableStoreTypes.<String, byte[]>timestampedKeyValueStore()), standbyToo));
            try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> it = store.all()) {
                it.forEachRemaining(kv -> out.put(kv.key, HexFormat.of().formatHex(kv.value.value()) + "@" + kv.value.timestamp()));
            }
        } catch (InvalidStateStoreException e) {
            out.put("<unavailable>", e.getMessage());
        }
        return out;
    }

    private static <T> StoreQueryParameters<T> params(StoreQueryParameters<T> p, boolean standbyToo) {
        return standbyToo ? p.enableStaleStores() : p;
    }
}
