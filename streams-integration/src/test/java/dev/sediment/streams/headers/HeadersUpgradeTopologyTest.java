package dev.sediment.streams.headers;

import dev.sediment.streams.SedimentDslStoreSuppliers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
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

import java.io.IOException;
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
 * An application switched from the default store format to {@code dsl.store.format=HEADERS} on a persistent state
 * directory: its Sediment key-value, window and session stores, written in the timestamped (session: plain) format,
 * are upgraded when the headers stores open, and the counts, windows and sessions go on from every record the
 * first run stored: the outputs and store contents are those of one uninterrupted run on Kafka's built-in stores.
 *
 * <p>TopologyTestDriver deletes its state directory when it closes, so the store directories are symbolic links to
 * directories outside it (the deletion removes the links, not the stores' files).
 */
class HeadersUpgradeTopologyTest {
    private static final String APP = "headers-upgrade";
    private static final List<String> STORES = List.of("counts", "windows", "sessions");
    private static final String[][] RECORDS = {{"a", "1", "0"}, {"b", "2", "10"}, {"a", "3", "20"}, {"c", "4", "25"},
        {"a", "5", "120"}, {"b", "6", "60"}, {"c", "7", "130"}, {"a", "8", "90"}, {"b", "9", "250"}, {"c", "10", "140"},
        {"a", "11", "260"}, {"b", "12", "265"}};

    @TempDir
    Path tmp;

    private static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> events = builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()));
        Grouped<String, String> grouped = Grouped.with(Serdes.String(), Serdes.String());
        events.groupByKey(grouped).count(Materialized.as("counts"))
                .toStream().mapValues(String::valueOf).to("count-out");
        events.groupByKey(grouped)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(100), Duration.ofMillis(300)))
                .count(Materialized.as("windows"))
                .toStream((w, v) -> w.key() + "@" + w.window().start()).mapValues(String::valueOf).to("window-out");
        events.groupByKey(grouped)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(30), Duration.ofMillis(300)))
                .reduce((x, y) -> x + "+" + y, Materialized.as("sessions"))
                .toStream((w, v) -> w.key() + "@" + w.window().start() + "-" + w.window().end())
                .mapValues(v -> v == null ? "<removed>" : v).to("session-out");
        return builder.build();
    }

    private static Properties props(Path stateDir, boolean headers, boolean sediment) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        if (headers) {
            p.put(StreamsConfig.DSL_STORE_FORMAT_CONFIG, StreamsConfig.DSL_STORE_FORMAT_HEADERS);
        }
        if (sediment) {
            p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        }
        return p;
    }

    private static void pipe(TopologyTestDriver driver, int from, int to) {
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        for (int i = from; i < to; i++) {
            String[] r = RECORDS[i];
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", ("t-" + r[0] + r[1]).getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>(r[0], r[1], headers, Long.parseLong(r[2])));
        }
    }

    private static List<String> outputs(TopologyTestDriver driver) {
        List<String> seen = new ArrayList<>();
        for (String topic : List.of("count-out", "window-out", "session-out")) {
            for (TestRecord<String, String> r : driver.createOutputTopic(topic, new StringDeserializer(),
                    new StringDeserializer()).readRecordsToList()) {
                seen.add(topic + " " + r.key() + "=" + r.value() + "@" + r.timestamp() + " " + HeadersText.of(r.headers().toArray()));
            }
        }
        return seen;
    }

    /** The stores' contents, read through Kafka's headers-format store types. */
    private static List<String> contents(TopologyTestDriver driver) {
        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<Object, ?> it = driver.getTimestampedKeyValueStoreWithHeaders("counts").all()) {
            it.forEachRemaining(kv -> seen.add("counts " + kv.key + "=" + kv.value));
        }
        try (KeyValueIterator<Windowed<Object>, ?> it = driver.getTimestampedWindowStoreWithHeaders("windows").all()) {
            it.forEachRemaining(kv -> seen.add("windows " + kv.key + "=" + kv.value));
        }
        try (KeyValueIterator<Windowed<Object>, ?> it = driver.getSessionStoreWithHeaders("sessions").fetch("a", "c")) {
            it.forEachRemaining(kv -> seen.add("sessions " + kv.key + "=" + kv.value));
        }
        return seen;
    }

    /** Links each store's directory in the task directory to one outside the state directory. */
    private void linkStores(Path stateDir) throws IOException {
        Path task = Files.createDirectories(stateDir.resolve(APP).resolve("0_0"));
        for (String store : STORES) {
            Path kept = Files.createDirectories(tmp.resolve("kept").resolve(store));
            Files.createSymbolicLink(task.resolve(store), kept);
        }
    }

    @Test
    void switchingToTheHeadersFormatUpgradesEveryStoreWithoutLosingARecord() throws IOException {
        int half = RECORDS.length / 2;
        List<String> kafkaFirst;
        List<String> kafkaSecond;
        List<String> kafkaContents;
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(tmp.resolve("rocks"), true, false))) {
            pipe(driver, 0, half);
            kafkaFirst = outputs(driver);
            pipe(driver, half, RECORDS.length);
            kafkaSecond = outputs(driver);
            kafkaContents = contents(driver);
        }

        Path stateDir = tmp.resolve("ours");
        linkStores(stateDir);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(stateDir, false, true))) {
            pipe(driver, 0, half);
            assertEquals(String.join("\n", kafkaFirst), String.join("\n", outputs(driver)), "before the switch");
        }
        assertTrue(Files.exists(tmp.resolve("kept").resolve("counts")), "the first run's store files are kept");
        linkStores(stateDir);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(stateDir, true, true))) {
            pipe(driver, half, RECORDS.length);
            assertEquals(String.join("\n", kafkaSecond), String.join("\n", outputs(driver)), "after the switch");
            assertEquals(String.join("\n", kafkaContents), String.join("\n", contents(driver)), "store contents");
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("kept"))) {
            assertTrue(files.noneMatch(f -> f.toString().contains("rocksdb")), "no RocksDB files");
        }
    }
}
