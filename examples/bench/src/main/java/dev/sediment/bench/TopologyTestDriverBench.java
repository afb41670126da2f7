package dev.sediment.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The issue-18 "TopologyTestDriver" row: what a user's topology test pays per store kind. Each run
 * builds a driver over a one-store count topology in a fresh state directory (store open), pipes N
 * records (TopologyTestDriver commits after every record) and closes it. Runs are interleaved across
 * kinds (sediment, rocksdb, in-memory, sediment, ...) so machine noise spreads evenly; the report is the
 * median wall and CPU time per kind, after warm-up rounds. Usage:
 * {@code java -cp <bench classpath> dev.sediment.bench.TopologyTestDriverBench [records=3000] [rounds=5] [kinds=all]},
 * kinds a comma-separated subset of sediment, rocksdb, in-memory (one kind alone is for profiling).
 */
public final class TopologyTestDriverBench {
    private TopologyTestDriverBench() {
    }

    public static void main(String[] args) throws IOException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<StoreKind> kinds = args.length > 2
                ? Arrays.stream(args[2].split(",")).map(TopologyTestDriverBench::kind).toList()
                : List.of(StoreKind.values());
        int warmups = 2;
        Path root = Files.createTempDirectory("sediment-ttd-bench");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<StoreKind, List<long[]>> runs = new EnumMap<>(StoreKind.class);
        try {
            for (int round = 0; round < warmups + rounds; round++) {
                for (StoreKind kind : kinds) {
                    Path dir = root.resolve(kind.label() + "-" + round);
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    run(kind, dir, records);
                    long wall = System.nanoTime() - t0;
                    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                    if (round >= warmups) {
                        runs.computeIfAbsent(kind, k -> new ArrayList<>()).add(new long[] {wall, cpu});
                    }
                }
            }
        } finally {
            deleteTree(root);
        }
        System.out.printf("TopologyTestDriver, one count store, %d records, median of %d runs (after %d warm-ups)%n",
                records, rounds, warmups);
        System.out.println("| store | wall ms | driver-thread CPU ms | us per record (wall) |");
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<StoreKind, List<long[]>> e : runs.entrySet()) {
            long wall = median(e.getValue(), 0);
            long cpu = median(e.getValue(), 1);
            System.out.printf("| %s | %.1f | %.1f | %.1f |%n", e.getKey().label(), wall / 1e6, cpu / 1e6,
                    wall / 1e3 / records);
        }
    }

    /** One topology test: driver (store open), {@code records} records over 500 keys, close. */
    static void run(StoreKind kind, Path stateDir, int records) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long>as(kind.supplier("counts"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            for (int i = 0; i < records; i++) {
                in.pipeInput("key-" + (i % 500), "v");
            }
        }
    }

    private static StoreKind kind(String label) {
        for (StoreKind k : StoreKind.values()) {
            if (k.label().equals(label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown store kind '" + label + "': sediment, rocksdb or in-memory");
    }

    private static long median(List<long[]> runs, int field) {
        long[] v = runs.stream().mapToLong(r -> r[field]).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
