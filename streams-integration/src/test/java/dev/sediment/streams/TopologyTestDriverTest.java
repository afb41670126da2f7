package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import dev.sediment.streams.internal.SedimentTimestampedKeyValueStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.DslStoreFormat;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DSL topologies on Sediment stores in TopologyTestDriver, and IQv2 against their stores. */
class TopologyTestDriverTest {
    @TempDir
    Path tmp;

    private Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.toString());
        return p;
    }

    private static void pipeWords(TopologyTestDriver driver) {
        TestInputTopic<String, String> in = driver.createInputTopic("words", new StringSerializer(), new StringSerializer());
        for (String w : "b a c a b a d".split(" ")) {
            in.pipeInput(w, w);
        }
    }

    private static StateStore innermost(StateStore s) {
        while (s instanceof WrappedStateStore<?, ?, ?> w) {
            s = w.wrapped();
        }
        return s;
    }

    @Test
    void countMaterializedAsSedimentStoreAnswersKeyAndRangeQueries() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(SedimentStores.timestampedKeyValueStore("counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        assertAnswersIqv2(builder.build(), props());
    }

    /** The same topology with a plain Materialized.as("counts"), put on Sediment by the DSL suppliers config. */
    @Test
    void countOnTheDslSuppliersConfigAnswersKeyAndRangeQueries() {
        Properties props = props();
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("counts")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        assertAnswersIqv2(builder.build(props), props);
    }

    @Test
    void dslSuppliersFollowTheAskedFormat() {
        SedimentDslStoreSuppliers suppliers = new SedimentDslStoreSuppliers();
        assertFalse(suppliers.keyValueStore(new DslKeyValueParams("p", DslStoreFormat.PLAIN)).get()
                instanceof TimestampedBytesStore);
        assertInstanceOf(TimestampedBytesStore.class,
                suppliers.keyValueStore(new DslKeyValueParams("t", DslStoreFormat.TIMESTAMPED)).get());
        assertFalse(suppliers.keyValueStore(new DslKeyValueParams("h", DslStoreFormat.HEADERS)).get()
                instanceof SedimentKeyValueStore, "HEADERS stays on Kafka's store");
    }

    /** A plain supplier given to Materialized.as: Kafka's adapter is in between; RangeQuery fails clearly. */
    @Test
    void plainSupplierUnderMaterializedAsFailsRangeQueryWithAClearMessage() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(SedimentStores.keyValueStore("counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            pipeWords(driver);
            StateStore store = driver.getAllStateStores().get("counts");
            QueryResult<Long> a = store.query(KeyQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
            assertEquals(3L, a.getResult());
            QueryResult<KeyValueIterator<String, Long>> r = store.query(RangeQuery.withNoBounds(),
                    PositionBound.unbounded(), new QueryConfig(false));
            assertFalse(r.isSuccess());
            assertTrue(r.getFailureMessage().contains("SedimentStores.timestampedKeyValueStore(\"counts\")"),
                    r.getFailureMessage());
        }
    }

    private void assertAnswersIqv2(org.apache.kafka.streams.Topology topology, Properties props) {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            pipeWords(driver);
            // A TimestampedBytesStore: the DSL keeps record timestamps with the values.
            var counts = driver.<String, Long>getTimestampedKeyValueStore("counts");
            assertEquals(3L, counts.get("a").value());
            assertEquals(2L, counts.get("b").value());
            assertEquals(1L, counts.get("d").value());

            // The metered store Kafka built (getStateStore refuses timestamped stores); IQv2 goes through its layers.
            StateStore store = driver.getAllStateStores().get("counts");
            assertInstanceOf(SedimentTimestampedKeyValueStore.class, innermost(store), "no adapter between Kafka's layers and ours");
            QueryResult<Long> a = store.query(KeyQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
            assertTrue(a.isSuccess(), a::toString);
            assertEquals(3L, a.getResult());

            QueryResult<ValueAndTimestamp<Long>> ts = store.query(
                    org.apache.kafka.streams.query.TimestampedKeyQuery.withKey("b"), PositionBound.unbounded(), new QueryConfig(false));
            assertEquals(2L, ts.getResult().value());

            assertEquals(List.of("a=3", "b=2", "c=1"), range(store, RangeQuery.withRange("a", "c")));
            assertEquals(List.of("d=1", "c=1", "b=2", "a=3"),
                    range(store, RangeQuery.<String, Long>withNoBounds().withDescendingKeys()));
            assertEquals(List.of("a=3", "b=2", "c=1", "d=1"), range(store, RangeQuery.withNoBounds()));

            // The input topic's offsets are the position: 7 records at offsets 0..6.
            Position seen = Position.emptyPosition().withComponent("words", 0, 6);
            assertEquals(seen, store.getPosition());
            assertEquals(FailureReason.NOT_UP_TO_BOUND, store.query(KeyQuery.withKey("a"),
                    PositionBound.at(Position.emptyPosition().withComponent("words", 0, 7)), new QueryConfig(false))
                    .getFailureReason());
        }
    }

    private static List<String> range(StateStore store, RangeQuery<String, Long> q) {
        QueryResult<KeyValueIterator<String, Long>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
        assertTrue(r.isSuccess(), r::toString);
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = r.getResult()) {
            it.forEachRemaining(kv -> out.add(kv.key + "=" + kv.value));
        }
        return out;
    }

    @Test
    void dslStoreSuppliersConfigPutsEveryKeyValueStoreOnSediment() {
        Properties props = props();
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .aggregate(() -> "", (k, v, agg) -> agg + v,
                        Materialized.<String, String, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("concat")
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props)) {
            pipeWords(driver);
            var concat = driver.<String, String>getTimestampedKeyValueStore("concat");
            assertEquals("aaa", concat.get("a").value());
            assertEquals("bb", concat.get("b").value());
            assertInstanceOf(SedimentKeyValueStore.class, innermost(driver.getAllStateStores().get("concat")));
            assertTrue(tmp.resolve("ttd").resolve("0_0").resolve("concat").toFile().isDirectory(),
                    "files in <state.dir>/<app>/<task>/<store>");
        }
    }

    @Test
    void windowStoresRunOnSedimentUnderTheDslConfig() {
        Properties props = props();
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .windowedBy(org.apache.kafka.streams.kstream.TimeWindows.ofSizeWithNoGrace(java.time.Duration.ofMinutes(1)))
                .count(Materialized.as("windowed"));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props)) {
            pipeWords(driver);
            StateStore inner = innermost(driver.getAllStateStores().get("windowed"));
            assertInstanceOf(dev.sediment.streams.internal.SedimentWindowStore.Timestamped.class, inner,
                    "the DSL's timestamped window store, with no adapter");
            try (var it = driver.<String, Long>getTimestampedWindowStore("windowed")
                    .fetch("a", java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(3600))) {
                assertEquals(3L, it.next().value.value());
            }
        }
    }

    @Test
    void engineGaugesAppearInKafkaStreamsStateStoreMetricsUnderRocksDbNames() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as(SedimentStores.timestampedKeyValueStore("counts")));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            pipeWords(driver);
            java.util.Map<String, Object> gauges = new java.util.TreeMap<>();
            driver.metrics().forEach((name, metric) -> {
                if (name.group().equals("stream-state-metrics") && "counts".equals(name.tags().get("sediment-state-id"))) {
                    gauges.put(name.name(), metric.metricValue());
                }
            });
            for (String expected : List.of("cur-size-all-mem-tables", "size-all-mem-tables", "num-immutable-mem-table",
                    "estimate-num-keys", "total-sst-files-size", "live-sst-files-size", "estimate-pending-compaction-bytes",
                    "number-open-files", "memtable-bytes-flushed-total", "bytes-read-compaction-total",
                    "bytes-written-compaction-total", "write-stall-duration-total", "block-cache-data-hit-ratio",
                    "block-cache-usage", "block-cache-pinned-usage", "block-cache-capacity", "memtable-flush-time-avg", "memtable-flush-time-total",
                    "compaction-time-avg", "compaction-time-total")) {
                assertTrue(gauges.containsKey(expected), expected + " in " + gauges.keySet());
            }
            assertTrue((Double) gauges.get("estimate-num-keys") >= 4, gauges::toString);
            assertTrue((Double) gauges.get("cur-size-all-mem-tables") > 0, gauges::toString);
        }
    }

    @Test
    void storeBuilderWithPlainKeyValueStore() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(SedimentStores.keyValueStore("plain"), Serdes.String(), Serdes.String()));
        builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new org.apache.kafka.streams.processor.api.Processor<String, String, Void, Void>() {
                    private KeyValueStore<String, String> store;

                    @Override
                    public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                        store = context.getStateStore("plain");
                    }

                    @Override
                    public void process(org.apache.kafka.streams.processor.api.Record<String, String> r) {
                        store.put(r.key(), r.value() + "!");
                    }
                }, "plain");
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            pipeWords(driver);
            KeyValueStore<String, String> plain = driver.getKeyValueStore("plain");
            List<KeyValue<String, String>> all = new ArrayList<>();
            try (KeyValueIterator<String, String> it = plain.all()) {
                it.forEachRemaining(all::add);
            }
            assertEquals(List.of(KeyValue.pair("a", "a!"), KeyValue.pair("b", "b!"), KeyValue.pair("c", "c!"),
                    KeyValue.pair("d", "d!")), all);
        }
    }
}
