package dev.sediment.bench;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.childjvm.ChildJvm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End to end on the embedded broker, each store's application in a JVM of its own, on the same input:
 * <ol>
 *   <li>process the input from the start; SIGKILL after {@code killFraction} of it (records/s of this part);
 *   <li>restart on the same state directory: records restored and time until RUNNING and queryable after the
 *       kill; then process the rest (records/s of this part) and close cleanly;
 *   <li>delete the state directory and restart: records restored and time until RUNNING from scratch.
 * </ol>
 */
final class EndToEndBench {
    private static final Pattern REACHED = Pattern.compile("E2E REACHED processed=(\\d+) seconds=([0-9.]+)");
    private static final Pattern READY = Pattern.compile("E2E READY millis=(\\d+) restored=(\\d+)");
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(30);

    private final BenchOptions options;
    private final Path dir;

    EndToEndBench(BenchOptions options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    List<Measurement> run() throws Exception {
        List<Measurement> rows = new ArrayList<>();
        long n = options.endToEndRecords();
        System.out.printf("%n== end to end: %,d input records, embedded broker%n", n);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().directory(dir.resolve("broker")).start()) {
            broker.createTopic(StreamsBenchChild.INPUT, 1);
            produce(broker.bootstrapServers(), n, options.keyBytes(), options.valueBytes());
            for (StoreKind store : options.selectedStores()) {
                rows.addAll(runStore(broker.bootstrapServers(), store, n));
            }
        }
        return rows;
    }

    /** {@code n} input records over {@code n} possible keys, each value starting with its sequence number. */
    static void produce(String bootstrap, long n, int keyBytes, int valueBytes) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        BenchData data = new BenchData(keyBytes, valueBytes);
        SplittableRandom random = new SplittableRandom(1);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                byte[] value = data.value(random);
                ByteBuffer.wrap(value).putLong(i);
                // Keys drawn from n distinct ones: about 63% of the input are distinct keys.
                producer.send(new ProducerRecord<>(StreamsBenchChild.INPUT, data.key(random.nextLong(n)), value));
                if ((i + 1) % 500_000 == 0) {
                    System.out.printf("  produced %,d%n", i + 1);
                }
            }
            producer.flush();
        }
        System.out.printf("  produced %,d input records in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
    }

    private List<Measurement> runStore(String bootstrap, StoreKind store, long n) throws Exception {
        Path stateDir = dir.resolve("e2e-state").resolve(store.label());
        Path log = dir.resolve(store.label() + "-e2e.log");
        String appId = "bench-e2e-" + store.label();
        long killAt = Math.max(1, Math.min(n - 1, (long) (n * options.killFraction())));
        System.out.printf("%n== %s end to end (log %s)%n", store.label(), log);

        System.out.printf("  [%s] processing until input record %,d, then SIGKILL%n", store.label(), killAt);
        Map<String, Matcher> first;
        try (ChildJvm child = start(store, bootstrap, stateDir, appId, killAt, "wait", log)) {
            first = await(child, log, List.of(REACHED));
            child.kill();
        }
        long processed1 = Long.parseLong(first.get("REACHED").group(1));
        double seconds1 = Double.parseDouble(first.get("REACHED").group(2));

        System.out.printf("  [%s] restart after the kill, then process to the end%n", store.label());
        Map<String, Matcher> second;
        try (ChildJvm child = start(store, bootstrap, stateDir, appId, n - 1, "exit", log)) {
            second = await(child, log, List.of(READY, REACHED));
            child.awaitExit(Duration.ofMinutes(3));
        }
        long killReadyMillis = Long.parseLong(second.get("READY").group(1));
        long killRestored = Long.parseLong(second.get("READY").group(2));
        long processed2 = Long.parseLong(second.get("REACHED").group(1));
        double seconds2 = Double.parseDouble(second.get("REACHED").group(2));

        deleteTree(stateDir);
        System.out.printf("  [%s] restart with the state directory deleted%n", store.label());
        Map<String, Matcher> third;
        try (ChildJvm child = start(store, bootstrap, stateDir, appId, -1, "exit", log)) {
            third = await(child, log, List.of(READY));
            child.awaitExit(Duration.ofMinutes(3));
        }
        long scratchMillis = Long.parseLong(third.get("READY").group(1));
        long scratchRestored = Long.parseLong(third.get("READY").group(2));

        double rate = (processed1 + processed2) / Math.max(1e-9, seconds1 + seconds2);
        System.out.printf("  [%s] %,.0f records/s; after kill restored %,d in %,d ms; from scratch restored %,d in %,d ms%n",
                store.label(), rate, killRestored, killReadyMillis, scratchRestored, scratchMillis);
        return List.of(
                row(store, "process", "records/s", rate),
                row(store, "restore-from-scratch", "records/s", scratchRestored / Math.max(1e-3, scratchMillis / 1000.0)),
                row(store, "restore-from-scratch: records", "records", scratchRestored),
                row(store, "restore-from-scratch: time to ready", "s", scratchMillis / 1000.0),
                row(store, "after SIGKILL: records restored", "records", killRestored),
                row(store, "after SIGKILL: time to ready", "s", killReadyMillis / 1000.0));
    }

    private static Measurement row(StoreKind store, String figure, String unit, double value) {
        return new Measurement("e2e", store, figure, unit, value, value, value, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    }

    private ChildJvm start(StoreKind store, String bootstrap, Path stateDir, String appId, long reach, String then,
            Path log) throws IOException {
        return ChildJvm.builder(StreamsBenchChild.class, log)
                .jvmOptions(StoreMemory.jvmOptions(options, store).toArray(String[]::new))
                .args(store.name(), bootstrap, stateDir.toString(), appId, Long.toString(reach), then)
                .start();
    }

    /** Follows the child's log (printing it) until every pattern has matched a line; the last match of each. */
    static Map<String, Matcher> await(ChildJvm child, Path log, List<Pattern> patterns)
            throws IOException, InterruptedException {
        Map<String, Matcher> found = new java.util.HashMap<>();
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        long offset = Files.exists(log) ? Files.size(log) : 0;
        while (found.size() < patterns.size()) {
            boolean alive = child.isAlive();
            List<String> lines = new ArrayList<>();
            offset = BenchMain.readNew(log, offset, lines);
            for (String line : lines) {
                System.out.println("  " + line);
                for (Pattern p : patterns) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        found.put(p.pattern().split(" ")[1], m);
                    }
                }
            }
            if (found.size() == patterns.size()) {
                break;
            }
            if (!alive) {
                throw child.failure("exited before logging " + patterns);
            }
            if (System.nanoTime() > deadline) {
                throw child.failure("did not log " + patterns + " within " + STEP_TIMEOUT);
            }
            Thread.sleep(50);
        }
        return found;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
