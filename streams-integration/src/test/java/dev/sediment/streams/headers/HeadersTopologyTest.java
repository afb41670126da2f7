package dev.sediment.streams.headers;

import dev.sediment.streams.SedimentDslStoreSuppliers;
import dev.sediment.streams.internal.SedimentHeadersKeyValueStore;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueTimestampHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A topology under {@code dsl.store.format=HEADERS}: a source table and a count keep the records' headers in
 * their stores. With {@link SedimentDslStoreSuppliers} the stores are Sediment's headers stores (no adapter, no
 * RocksDB files); the same topology on Kafka's built-in stores gives the same output and store contents.
 */
class HeadersTopologyTest {
    @TempDir
    Path tmp;

    private List<String> run(boolean sediment, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("in", Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("table"))
                .groupBy((k, v) -> org.apache.kafka.streams.KeyValue.pair(v, k), Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as("counts"))
                .toStream().to("out", Produced.with(Serdes.String(), Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "headers");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DSL_STORE_FORMAT_CONFIG, StreamsConfig.DSL_STORE_FORMAT_HEADERS);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        if (sediment) {
            p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        }
        List<String> seen = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, Long> out = driver.createOutputTopic("out", new StringDeserializer(), new LongDeserializer());
            String[][] records = {{"a", "red"}, {"b", "blue"}, {"c", "red"}, {"a", "blue"}, {"d", "green"}};
            long ts = 100;
            for (String[] r : records) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace", ("t-" + r[0] + ts).getBytes(StandardCharsets.UTF_8));
                in.pipeInput(new TestRecord<>(r[0], r[1], headers, ts));
                ts += 10;
            }
            for (TestRecord<String, Long> r : out.readRecordsToList()) {
                seen.add("out " + r.key() + "=" + r.value() + "@" + r.timestamp() + " " + HeadersText.of(r.headers().toArray()));
            }
            for (String name : List.of("table", "counts")) {
                seen.add(name + " is " + kind(driver, name));
                if (sediment) {
                    Innermost.assertIs(SedimentHeadersKeyValueStore.class, driver.getTimestampedKeyValueStoreWithHeaders(name));
                }
                if (kind(driver, name).equals("headers")) {
                    KeyValueStore<String, ValueTimestampHeaders<Object>> store = driver.getTimestampedKeyValueStoreWithHeaders(name);
                    try (KeyValueIterator<String, ValueTimestampHeaders<Object>> it = store.all()) {
                        it.forEachRemaining(kv -> seen.add(name + " " + kv.key + "=" + kv.value.value() + "@"
                                + kv.value.timestamp() + " " + HeadersText.of(kv.value.headers().toArray())));
                    }
                }
            }
        }
        return seen;
    }

    /** Which store Kafka built under HEADERS: 4.3.1 implements the format for some DSL stores only. */
    private static String kind(TopologyTestDriver driver, String name) {
        try {
            driver.getTimestampedKeyValueStoreWithHeaders(name);
            return "headers";
        } catch (IllegalArgumentException e) {
            return "not headers";
        }
    }

    /** Kafka 4.3.1's DSL processors store empty headers; a processor that stores the record's own keeps them. */
    @Test
    void aHeadersStoreKeepsWhatAProcessorPuts() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "headers-papi");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("papi").toString());
        {
            org.apache.kafka.streams.Topology topology = new org.apache.kafka.streams.Topology();
            topology.addSource("src", new StringDeserializer(), new StringDeserializer(), "in");
            topology.addProcessor("keep", () -> new org.apache.kafka.streams.processor.api.Processor<String, String, Void, Void>() {
                private KeyValueStore<String, ValueTimestampHeaders<String>> store;

                @Override
                public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                    store = context.getStateStore("kept");
                }

                @Override
                public void process(org.apache.kafka.streams.processor.api.Record<String, String> r) {
                    store.put(r.key(), ValueTimestampHeaders.make(r.value(), r.timestamp(), r.headers()));
                }
            }, "src");
            topology.addStateStore(org.apache.kafka.streams.state.Stores.timestampedKeyValueStoreWithHeadersBuilder(
                    dev.sediment.streams.SedimentStores.timestampedKeyValueStoreWithHeaders("kept"),
                    Serdes.String(), Serdes.String()), "keep");
            try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
                {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("trace", "t1".getBytes(StandardCharsets.UTF_8));
                    headers.add("empty", new byte[0]);
                    driver.createInputTopic("in", new StringSerializer(), new StringSerializer())
                            .pipeInput(new TestRecord<>("k", "v", headers, 42L));
                }
                ValueTimestampHeaders<String> kept = driver.<String, String>getTimestampedKeyValueStoreWithHeaders("kept").get("k");
                assertEquals("v", kept.value());
                assertEquals(42L, kept.timestamp());
                assertEquals("[trace:t1 empty: ]", HeadersText.of(kept.headers().toArray()));
                Innermost.assertIs(SedimentHeadersKeyValueStore.class, driver.getTimestampedKeyValueStoreWithHeaders("kept"));
            }
        }
    }

    @Test
    void keepsHeadersThroughATableAndACountAsKafkasStores() throws Exception {
        List<String> kafka = run(false, tmp.resolve("rocks"));
        List<String> ours = run(true, tmp.resolve("ours"));
        assertEquals(String.join("\n", kafka), String.join("\n", ours));
        assertTrue(ours.contains("out blue=2@130 [trace:t-a130 ]"), ours.toString());
        assertTrue(ours.contains("table is headers") && ours.contains("counts is headers"), ours.toString());
        try (Stream<Path> files = Files.walk(tmp.resolve("ours"))) {
            assertTrue(files.noneMatch(f -> f.toString().contains("rocksdb")), "no RocksDB files under our state dir");
        }
    }
}
