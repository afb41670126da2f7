package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentSessionStore;
import dev.sediment.streams.internal.SedimentWindowStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.PlainToHeadersWindowStoreAdapter;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed DSL topologies under {@link SedimentDslStoreSuppliers} in TopologyTestDriver: the same seeded input
 * through the same topology on Kafka's default (RocksDB) stores and on Sediment's must give exactly the same
 * output records, in the same order, and Sediment's state directory must hold no RocksDB file.
 */
class WindowedTopologyTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    /** Test names starting so run with no record cache (statestore.cache.max.bytes=0). */
    private static final String UNCACHED = "uncached-";

    @TempDir
    Path tmp;

    private record Input(String topic, String key, String value, long time) {
    }

    /** Mostly increasing times with some late records, a few keys: windows close, merge and expire. */
    private static List<Input> input(String... topics) {
        Random r = new Random(SEED);
        List<Input> in = new ArrayList<>();
        long t = 1_000;
        for (int i = 0; i < 400; i++) {
            t += r.nextInt(1_500);
            long time = r.nextInt(10) == 0 ? Math.max(0, t - r.nextInt(8_000)) : t;
            String topic = topics[r.nextInt(topics.length)];
            in.add(new Input(topic, "k" + r.nextInt(5), Integer.toString(r.nextInt(100)), time));
        }
        return in;
    }

    private static String windowed(Windowed<String> w) {
        return w.key() + "@" + w.window().start() + "/" + w.window().end();
    }

    private Properties props(boolean sediment, String name) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "windowed-" + name);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        Path dir = tmp.resolve((sediment ? "sediment-" : "kafka-") + name);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        if (sediment) {
            p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        }
        if (name.startsWith(UNCACHED)) {
            p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // the stores answer every read themselves
            // onWindowClose looks for closed windows at every record, not once a second of wall-clock time.
            p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
        }
        return p;
    }

    private List<String> run(Topology topology, boolean sediment, List<Input> input, String name) {
        Properties p = props(sediment, name);
        Path dir = Path.of(p.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        List<String> out = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
            for (Input i : input) {
                TestInputTopic<String, String> t = driver.createInputTopic(i.topic(), new StringSerializer(), new StringSerializer());
                t.pipeInput(i.key(), i.value(), Instant.ofEpochMilli(i.time()));
            }
            TestOutputTopic<String, String> o = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
            o.readRecordsToList().forEach(rec -> out.add(rec.key() + " " + rec.value() + " " + rec.timestamp()));
            if (sediment) {
                boolean found = false;
                for (StateStore s : driver.getAllStateStores().values()) {
                    StateStore inner = innermost(s);
                    if (inner instanceof SedimentWindowStore || inner instanceof SedimentSessionStore) {
                        found = true;
                    }
                }
                assertTrue(found, "no Sediment window or session store in " + driver.getAllStateStores().values().stream().map(s -> innermost(s).getClass().getName()).toList());
            }
            // Before close: the driver deletes its state directory then.
            assertEquals(!sediment, holdsRocksDbFiles(dir), (sediment ? "Sediment" : "Kafka") + " state dir " + dir);
        }
        return out;
    }

    /** Through Kafka's wrappers, and the adapter 4.3's join stores put around a store without headers. */
    private static StateStore innermost(StateStore s) {
        while (true) {
            if (s instanceof WrappedStateStore<?, ?, ?> w) {
                s = w.wrapped();
            } else if (s instanceof PlainToHeadersWindowStoreAdapter a) {
                try {
                    Field f = PlainToHeadersWindowStoreAdapter.class.getDeclaredField("store");
                    f.setAccessible(true);
                    s = (StateStore) f.get(a);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            } else {
                return s;
            }
        }
    }

    /** RocksDB leaves OPTIONS-* and LOG files in every database directory; Sediment writes neither. */
    private static boolean holdsRocksDbFiles(Path dir) {
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(n -> n.startsWith("OPTIONS-") || n.equals("LOG") || n.equals("rocksdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sameOutput(String name, Consumer<StreamsBuilder> topology, String... topics) {
        sameOutput(name, input(topics), topology);
    }

    private void sameOutput(String name, List<Input> in, Consumer<StreamsBuilder> topology) {
        // The builder gets the config too: stream-stream joins take their store suppliers when they are built.
        StreamsBuilder kafka = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props(false, name))));
        topology.accept(kafka);
        StreamsBuilder sediment = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props(true, name))));
        topology.accept(sediment);
        List<String> expected = run(kafka.build(), false, in, name);
        List<String> actual = run(sediment.build(), true, in, name);
        assertFalse(expected.isEmpty(), "the topology produced nothing; seed " + SEED);
        assertEquals(expected, actual, "seed " + SEED);
    }

    private static KGroupedStream<String, String> grouped(StreamsBuilder b) {
        return b.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
    }

    @Test
    void tumblingCountWithSuppress() {
        sameOutput("suppress", b -> grouped(b)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .count()
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void hoppingCountEveryUpdate() {
        sameOutput("hopping", b -> grouped(b)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(3)).advanceBy(Duration.ofSeconds(4)))
                .count()
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void slidingAggregate() {
        sameOutput("sliding", b -> grouped(b)
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(3)))
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), Materialized.with(Serdes.String(), Serdes.Long()))
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void onWindowCloseEmit() {
        sameOutput("close", b -> grouped(b)
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    /**
     * Without a cache onWindowClose reads closed windows from the store itself, by time (fetchAll), back to stream
     * time minus retention inclusive: records every 10 ms close each window exactly at its end.
     */
    @Test
    void onWindowCloseEmitWithoutCache() {
        List<Input> in = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            in.add(new Input("in", "k" + i % 5, Integer.toString(i), 1_000 + 10L * i));
        }
        sameOutput(UNCACHED + "close", in, b -> grouped(b)
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(1)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())));
    }

    @Test
    void slidingOnWindowCloseEmit() {
        sameOutput("sliding-close", b -> grouped(b)
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream((w, v) -> windowed(w)).mapValues(v -> Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void sessionAggregate() {
        sameOutput("session", b -> grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(2), Duration.ofSeconds(3)))
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), (k, a, c) -> a + c,
                        Materialized.with(Serdes.String(), Serdes.Long()))
                .toStream((w, v) -> windowed(w)).mapValues(v -> v == null ? "null" : Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void sessionCountOnWindowClose() {
        sameOutput("session-close", b -> grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .emitStrategy(EmitStrategy.onWindowClose())
                .count()
                .toStream((w, v) -> windowed(w)).mapValues(v -> v == null ? "null" : Long.toString(v))
                .to("out", Produced.with(Serdes.String(), Serdes.String())), "in");
    }

    @Test
    void streamStreamJoins() {
        sameOutput("join", b -> {
            KStream<String, String> left = b.stream("left", Consumed.with(Serdes.String(), Serdes.String()));
            KStream<String, String> right = b.stream("right", Consumed.with(Serdes.String(), Serdes.String()));
            JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(3), Duration.ofSeconds(2));
            StreamJoined<String, String, String> with = StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String());
            left.join(right, (l, r) -> "inner:" + l + "+" + r, w, with)
                    .merge(left.leftJoin(right, (l, r) -> "left:" + l + "+" + r, w, with.withName("leftjoin")))
                    .to("out", Produced.with(Serdes.String(), Serdes.String()));
        }, "left", "right");
    }
}
