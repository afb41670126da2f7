package dev.sediment.streams.headers;

import dev.sediment.streams.SedimentDslStoreSuppliers;
import dev.sediment.streams.internal.SedimentSessionStore;
import dev.sediment.streams.internal.SedimentWindowStore;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A windowed and a session aggregation under {@code dsl.store.format=HEADERS}: with {@link SedimentDslStoreSuppliers}
 * both stores are Sediment's headers stores (no adapter, no RocksDB files), and the output records, their headers
 * and the stores' contents are those of the same topology on Kafka's built-in stores.
 */
class HeadersWindowedTopologyTest {
    @TempDir
    Path tmp;

    private List<String> run(boolean sediment, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> events = builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()));
        events.groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(100), Duration.ofMillis(50)))
                .count(Materialized.as("windows"))
                .toStream((w, v) -> w.key() + "@" + w.window().start())
                .mapValues(String::valueOf)
                .to("window-out");
        events.groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(30), Duration.ofMillis(50)))
                .reduce((a, b) -> a + "+" + b, Materialized.as("sessions"))
                .toStream((w, v) -> w.key() + "@" + w.window().start() + "-" + w.window().end())
                .mapValues(v -> v == null ? "<removed>" : v)
                .to("session-out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "headers-windowed");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DSL_STORE_FORMAT_CONFIG, StreamsConfig.DSL_STORE_FORMAT_HEADERS);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        if (sediment) {
            p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        }
        List<String> seen = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            String[][] records = {{"a", "1", "0"}, {"b", "2", "10"}, {"a", "3", "20"}, {"a", "4", "120"},
                {"b", "5", "60"}, {"c", "6", "130"}, {"a", "7", "90"}, {"b", "8", "250"}, {"c", "9", "140"}};
            for (String[] r : records) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace", ("t-" + r[0] + r[1]).getBytes(StandardCharsets.UTF_8));
                in.pipeInput(new TestRecord<>(r[0], r[1], headers, Long.parseLong(r[2])));
            }
            for (String topic : List.of("window-out", "session-out")) {
                for (TestRecord<String, String> r : driver.createOutputTopic(topic, new StringDeserializer(),
                        new StringDeserializer()).readRecordsToList()) {
                    seen.add(topic + " " + r.key() + "=" + r.value() + "@" + r.timestamp() + " " + HeadersText.of(r.headers().toArray()));
                }
            }
            try (KeyValueIterator<Windowed<Object>, ?> it = driver.getTimestampedWindowStoreWithHeaders("windows").all()) {
                it.forEachRemaining(kv -> seen.add("windows " + kv.key + "=" + kv.value));
            }
            try (KeyValueIterator<Windowed<Object>, ?> it = driver.getSessionStoreWithHeaders("sessions").fetch("a", "c")) {
                it.forEachRemaining(kv -> seen.add("sessions " + kv.key + "=" + kv.value));
            }
            if (sediment) {
                Innermost.assertIs(SedimentWindowStore.WithHeaders.class, driver.getTimestampedWindowStoreWithHeaders("windows"));
                Innermost.assertIs(SedimentSessionStore.WithHeaders.class, driver.getSessionStoreWithHeaders("sessions"));
            }
        }
        return seen;
    }

    @Test
    void keepsHeadersThroughAWindowedAndASessionAggregationAsKafkasStores() throws Exception {
        List<String> kafka = run(false, tmp.resolve("rocks"));
        List<String> ours = run(true, tmp.resolve("ours"));
        assertEquals(String.join("\n", kafka), String.join("\n", ours));
        assertTrue(ours.stream().anyMatch(s -> s.startsWith("window-out a@0=3@90 [trace:t-a7 ]")), String.join("\n", ours));
        assertTrue(ours.stream().anyMatch(s -> s.startsWith("sessions ")), String.join("\n", ours));
        try (Stream<Path> files = Files.walk(tmp.resolve("ours"))) {
            assertTrue(files.noneMatch(f -> f.toString().contains("rocksdb")), "no RocksDB files under our state dir");
        }
    }
}
