package dev.sediment.streams;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IQv2 against Sediment window and session stores, through Kafka's metered layers: WindowKeyQuery and
 * WindowRangeQuery in the forms Kafka supports for each, with position bounds from the records written.
 */
class WindowQueryTest {
    @TempDir
    Path tmp;

    private static final QueryConfig CONFIG = new QueryConfig(false);

    private Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "iq");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.toString());
        return p;
    }

    /** Puts every input record into a window store (window start = record time) and a session store (a point session). */
    private TopologyTestDriver driver() {
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.windowStoreBuilder(SedimentStores.windowStore("windows", Duration.ofMinutes(10),
                Duration.ofSeconds(10), false), Serdes.String(), Serdes.String()));
        b.addStateStore(Stores.sessionStoreBuilder(SedimentStores.sessionStore("sessions", Duration.ofMinutes(10)),
                Serdes.String(), Serdes.String()));
        b.stream("in", Consumed.with(Serdes.String(), Serdes.String())).process(() -> new Processor<String, String, Void, Void>() {
            private WindowStore<String, String> windows;
            private SessionStore<String, String> sessions;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                windows = context.getStateStore("windows");
                sessions = context.getStateStore("sessions");
            }

            @Override
            public void process(Record<String, String> r) {
                windows.put(r.key(), r.value(), r.timestamp());
                sessions.put(new Windowed<>(r.key(), new SessionWindow(r.timestamp(), r.timestamp())), r.value());
            }
        }, "windows", "sessions");
        TopologyTestDriver driver = new TopologyTestDriver(b.build(), props());
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        in.pipeInput("a", "a1", Instant.ofEpochMilli(1_000));
        in.pipeInput("b", "b1", Instant.ofEpochMilli(2_000));
        in.pipeInput("a", "a2", Instant.ofEpochMilli(3_000));
        return driver;
    }

    @Test
    void windowKeyAndRangeQueriesWithPositionBounds() {
        try (TopologyTestDriver driver = driver()) {
            StateStore store = driver.getAllStateStores().get("windows"); // the metered store: IQv2 through its layers
            Position written = Position.emptyPosition().withComponent("in", 0, 2);
            QueryResult<WindowStoreIterator<String>> byKey = store.query(
                    WindowKeyQuery.withKeyAndWindowStartRange("a", Instant.ofEpochMilli(0), Instant.ofEpochMilli(2_500)),
                    PositionBound.at(written), CONFIG);
            assertTrue(byKey.isSuccess(), byKey.toString());
            assertEquals(written, byKey.getPosition());
            List<KeyValue<Long, String>> a = new ArrayList<>();
            try (WindowStoreIterator<String> it = byKey.getResult()) {
                it.forEachRemaining(a::add);
            }
            assertEquals(List.of(KeyValue.pair(1_000L, "a1")), a);

            QueryResult<KeyValueIterator<Windowed<String>, String>> range = store.query(
                    WindowRangeQuery.withWindowStartRange(Instant.ofEpochMilli(1_500), Instant.ofEpochMilli(5_000)),
                    PositionBound.unbounded(), CONFIG);
            assertTrue(range.isSuccess(), range.toString());
            List<String> windows = new ArrayList<>();
            try (KeyValueIterator<Windowed<String>, String> it = range.getResult()) {
                it.forEachRemaining(kv -> windows.add(kv.key.key() + "@" + kv.key.window().start() + "=" + kv.value));
            }
            assertEquals(List.of("a@3000=a2", "b@2000=b1"), windows); // segment, then key bytes, then time

            QueryResult<?> ahead = store.query(WindowKeyQuery.withKeyAndWindowStartRange("a", Instant.EPOCH, Instant.now()),
                    PositionBound.at(Position.emptyPosition().withComponent("in", 0, 7)), CONFIG);
            assertFalse(ahead.isSuccess());
            assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());

            for (String figure : List.of("retention-dropped-tables-total", "retention-dropped-bytes-total",
                    "expired-records-total", "observed-stream-time", "total-sst-files-size")) {
                assertTrue(driver.metrics().keySet().stream().anyMatch(n -> n.name().equals(figure)
                        && n.group().equals("stream-state-metrics") && n.tags().containsValue("windows")), figure);
            }
            assertEquals(3_000.0, driver.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("observed-stream-time") && e.getKey().tags().containsValue("windows"))
                    .findFirst().orElseThrow().getValue().metricValue());

            QueryResult<?> byKeyRange = store.query(WindowRangeQuery.withKey("a"), PositionBound.unbounded(), CONFIG);
            assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, byKeyRange.getFailureReason(),
                    "a window store answers WindowRangeQuery by time range only, as Kafka's do");
        }
    }

    @Test
    void sessionRangeQueryByKey() {
        try (TopologyTestDriver driver = driver()) {
            StateStore store = driver.getAllStateStores().get("sessions");
            QueryResult<KeyValueIterator<Windowed<String>, String>> r = store.query(WindowRangeQuery.withKey("a"),
                    PositionBound.at(Position.emptyPosition().withComponent("in", 0, 2)), CONFIG);
            assertTrue(r.isSuccess(), r.toString());
            List<String> sessions = new ArrayList<>();
            try (KeyValueIterator<Windowed<String>, String> it = r.getResult()) {
                it.forEachRemaining(kv -> sessions.add(kv.key.window().start() + "-" + kv.key.window().end() + "=" + kv.value));
            }
            assertEquals(List.of("1000-1000=a1", "3000-3000=a2"), sessions);
        }
    }
}
