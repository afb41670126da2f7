package dev.sediment.streams.versioned;

import dev.sediment.streams.SedimentStores;
import dev.sediment.streams.internal.SedimentVersionedStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream-table join against a versioned table in TopologyTestDriver: each stream record is joined with the
 * table as of its own timestamp, late table and stream records included, and IQv2 versioned queries on the
 * table. The same topology on Kafka's RocksDB versioned store must give the same output and answers.
 */
class VersionedTopologyTest {
    private static final Duration HISTORY = Duration.ofMillis(1_000);

    @TempDir
    Path tmp;

    /** The join's output and the answers of the table's queries, as text. */
    private List<String> run(VersionedBytesStoreSupplier supplier, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> table = builder.table("table", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String>as(supplier).withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
        builder.stream("stream", Consumed.with(Serdes.String(), Serdes.String()))
                .join(table, (s, t) -> s + "+" + t, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "versioned");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        List<String> seen = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
            TestInputTopic<String, String> t = driver.createInputTopic("table", new StringSerializer(), new StringSerializer());
            TestInputTopic<String, String> s = driver.createInputTopic("stream", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, String> out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
            t.pipeInput("a", "a1", 100);
            t.pipeInput("b", "b1", 100);
            s.pipeInput("a", "s1", 150);     // a1
            t.pipeInput("a", "a2", 200);
            s.pipeInput("a", "s2", 180);     // late stream record: a1, as of 180
            s.pipeInput("a", "s3", 250);     // a2
            t.pipeInput("a", "a15", 150);    // late table record: between a1 and a2
            s.pipeInput("a", "s4", 170);     // a15
            s.pipeInput("a", "s5", 120);     // a1
            t.pipeInput("b", null, 300);     // b deleted at 300
            s.pipeInput("b", "s6", 250);     // b1
            s.pipeInput("b", "s7", 350);     // no match
            t.pipeInput("c", "c1", 2_000);   // stream time 2000: history before 1000 expired
            s.pipeInput("a", "s8", 500);     // beyond history retention: the latest a2 is older, so it joins
            t.pipeInput("a", "a0", 400);     // too late for the table (not put)
            s.pipeInput("a", "s9", 1_500);   // a2
            for (TestRecord<String, String> r : out.readRecordsToList()) {
                seen.add(r.key() + "=" + r.value() + "@" + r.timestamp());
            }
            StateStore store = driver.<String, String>getVersionedKeyValueStore(supplier.name());
            for (String key : List.of("a", "b", "c", "none")) {
                for (Long asOf : new Long[] {null, 99L, 150L, 199L, 200L, 300L, 1_500L}) {
                    VersionedKeyQuery<String, String> q = VersionedKeyQuery.withKey(key);
                    if (asOf != null) {
                        q = q.asOf(Instant.ofEpochMilli(asOf));
                    }
                    QueryResult<VersionedRecord<String>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
                    seen.add("query " + key + " as of " + asOf + ": " + text(r.getResult()));
                }
                for (boolean ascending : new boolean[] {true, false}) {
                    MultiVersionedKeyQuery<String, String> q = MultiVersionedKeyQuery.<String, String>withKey(key)
                            .fromTime(Instant.ofEpochMilli(1_000)).toTime(Instant.ofEpochMilli(2_500));
                    q = ascending ? q.withAscendingTimestamps() : q.withDescendingTimestamps();
                    QueryResult<VersionedRecordIterator<String>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
                    StringBuilder sb = new StringBuilder("history " + key + (ascending ? " asc:" : " desc:"));
                    try (VersionedRecordIterator<String> it = r.getResult()) {
                        it.forEachRemaining(v -> sb.append(' ').append(text(v)));
                    }
                    seen.add(sb.toString());
                }
            }
            if (supplier.name().equals("sediment")) {
                StateStore inner = store;
                while (inner instanceof WrappedStateStore<?, ?, ?> w) {
                    inner = w.wrapped();
                }
                assertInstanceOf(SedimentVersionedStore.class, inner, "no adapter between Kafka's layers and ours");
            }
        }
        return seen;
    }

    private static String text(VersionedRecord<String> r) {
        return r == null ? "null" : r.value() + "@" + r.timestamp() + "-" + r.validTo().map(String::valueOf).orElse("");
    }

    @Test
    void joinsAsOfRecordTimeAndAnswersVersionedQueriesAsKafkasStore() throws Exception {
        List<String> kafka = run(Stores.persistentVersionedKeyValueStore("rocks", HISTORY), tmp.resolve("rocks"));
        List<String> ours = run(SedimentStores.versionedKeyValueStore("sediment", HISTORY), tmp.resolve("ours"));
        assertEquals(String.join("\n", kafka), String.join("\n", ours));
        assertTrue(ours.contains("a=s2+a1@180"), ours.toString());
        assertTrue(ours.contains("a=s4+a15@170"), ours.toString());
        assertTrue(ours.contains("b=s6+b1@250"), ours.toString());
        try (Stream<Path> files = Files.walk(tmp.resolve("ours"))) {
            assertTrue(files.noneMatch(f -> f.toString().contains("rocksdb")), "no RocksDB files under our state dir");
        }
    }
}
