package dev.sediment.bench;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.childjvm.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Kafka Streams 4.4 with transactional state stores (KIP-892), end to end on the embedded broker: the
 * KTable upsert application of {@link StreamsBenchChild} under {@code exactly_once_v2}, on Sediment and on
 * Kafka's RocksDB store with {@code enable.transactional.statestores=true}, and on RocksDB without it for
 * reference. Each peer, each run in a JVM of its own, on the same input:
 * <ol>
 *   <li><b>crash</b> at Kafka's defaults (a transaction every 100 ms, {@code statestore.uncommitted.max.bytes}
 *       64 MB): process {@code killFraction} of the input, SIGKILL, restart on the same state directory
 *       (records restored, time until RUNNING and queryable), process the rest;
 *   <li><b>one run per transaction size</b>: {@code commit.interval.ms} 10 minutes and
 *       {@code statestore.uncommitted.max.bytes} set to the size, so Kafka commits each time the stores'
 *       uncommitted bytes pass it (RocksDB holds them in its {@code WriteBatchWithIndex}, Sediment in its
 *       LSM tree); records/s over the whole input and peak RSS.
 * </ol>
 * Run it with {@code BenchMain --kafka44-transactional}; it needs Kafka Streams 4.4 on the class path.
 */
final class TransactionalBench {
    private static final Pattern REACHED = Pattern.compile("E2E REACHED processed=(\\d+) seconds=([0-9.]+) peakRss=(-?\\d+)");
    private static final Pattern READY = Pattern.compile("E2E READY millis=(\\d+) restored=(\\d+)");
    /** Long enough for the largest transaction to fill; the broker's transaction.max.timeout.ms is above it. */
    private static final long LONG_COMMIT_INTERVAL_MS = 600_000;
    private static final long TRANSACTION_TIMEOUT_MS = 900_000;

    private final TransactionalBenchOptions options;
    private final Path dir;
    /** figure → peer → text, in the order they were measured. */
    private final Map<String, Map<TransactionalPeer, String>> table = new LinkedHashMap<>();

    private TransactionalBench(TransactionalBenchOptions options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    static void main(String[] args) throws Exception {
        TransactionalBenchOptions options;
        try {
            options = TransactionalBenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().equals("help")) {
                System.err.println(e.getMessage());
            }
            System.err.print(TransactionalBenchOptions.usage());
            System.exit(2);
            return;
        }
        String kafka = kafkaVersion();
        if (!atLeast44(kafka)) {
            System.err.println("--kafka44-transactional needs Kafka Streams 4.4 or later on the class path, found "
                    + kafka + ": build and run with -Dkafka.line=4.4");
            System.exit(2);
            return;
        }
        Path dir = options.out().toAbsolutePath().resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-kafka44-transactional");
        Files.createDirectories(dir);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long start = System.nanoTime();
        TransactionalBench bench = new TransactionalBench(options, dir);
        bench.run();
        String md = bench.markdown(kafka, loadBefore, Duration.ofNanos(System.nanoTime() - start));
        Files.writeString(dir.resolve("results.md"), md);
        BenchMain.deleteScratch(dir);
        System.out.println();
        System.out.println(md);
        System.out.println("Results: " + dir);
        System.exit(0);
    }

    private void run() throws Exception {
        long n = options.records();
        System.out.printf("Kafka 4.4 transactional stores: %,d input records of %d+%d bytes (%,d MB into the store), results in %s%n",
                n, options.keyBytes(), options.valueBytes(), n * options.recordStoreBytes() >> 20, dir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().directory(dir.resolve("broker"))
                .brokerProperty("transaction.max.timeout.ms", Long.toString(TRANSACTION_TIMEOUT_MS)).start()) {
            broker.createTopic(StreamsBenchChild.INPUT, 1);
            EndToEndBench.produce(broker.bootstrapServers(), n, options.keyBytes(), options.valueBytes());
            for (TransactionalPeer peer : options.peers()) {
                crash(broker.bootstrapServers(), peer);
                for (long size : options.transactionBytes()) {
                    transactions(broker.bootstrapServers(), peer, size);
                }
            }
        }
    }

    /** Kafka's defaults; SIGKILL mid-stream, restart on the same state directory, process the rest. */
    private void crash(String bootstrap, TransactionalPeer peer) throws Exception {
        long n = options.records();
        long killAt = Math.max(1, Math.min(n - 1, (long) (n * options.killFraction())));
        String name = "crash-" + peer.label();
        Path stateDir = dir.resolve("state").resolve(name);
        Path log = dir.resolve(name + ".log");
        List<String> settings = flag(peer);
        System.out.printf("%n== %s, Kafka's defaults: process to input record %,d, SIGKILL, restart (log %s)%n",
                peer.heading(), killAt, log);
        Map<String, Matcher> first;
        try (ChildJvm child = start(peer, bootstrap, stateDir, name, killAt, "wait", log, settings)) {
            first = EndToEndBench.await(child, log, List.of(REACHED));
            child.kill();
        }
        Map<String, Matcher> second;
        try (ChildJvm child = start(peer, bootstrap, stateDir, name, n - 1, "exit", log, settings)) {
            second = EndToEndBench.await(child, log, List.of(READY, REACHED));
            child.awaitExit(Duration.ofMinutes(3));
        }
        Matcher reached1 = first.get("REACHED");
        Matcher ready = second.get("READY");
        Matcher reached2 = second.get("REACHED");
        long processed = Long.parseLong(reached1.group(1)) + Long.parseLong(reached2.group(1));
        double seconds = Double.parseDouble(reached1.group(2)) + Double.parseDouble(reached2.group(2));
        put(String.format(Locale.ROOT, "after SIGKILL at %s records: records restored", Report.count(killAt)), peer,
                String.format(Locale.ROOT, "%,d", Long.parseLong(ready.group(2))));
        put("after SIGKILL: time until RUNNING and queryable", peer,
                String.format(Locale.ROOT, "%.2f s", Long.parseLong(ready.group(1)) / 1000.0));
        put("throughput, Kafka's defaults (a transaction every 100 ms)", peer, rate(processed, seconds));
        put("peak RSS, Kafka's defaults", peer, Report.megabytes(
                Math.max(Long.parseLong(reached1.group(3)), Long.parseLong(reached2.group(3)))));
    }

    /** The whole input from scratch, committing whenever the stores' uncommitted bytes pass {@code size}. */
    private void transactions(String bootstrap, TransactionalPeer peer, long size) throws Exception {
        String label = TransactionalBenchOptions.label(size);
        String name = "tx" + size + "-" + peer.label();
        Path log = dir.resolve(name + ".log");
        List<String> settings = new ArrayList<>(flag(peer));
        settings.add("commit.interval.ms=" + LONG_COMMIT_INTERVAL_MS);
        settings.add("producer.transaction.timeout.ms=" + TRANSACTION_TIMEOUT_MS);
        settings.add("statestore.uncommitted.max.bytes=" + size);
        System.out.printf("%n== %s, %s transactions: the whole input (log %s)%n", peer.heading(), label, log);
        Map<String, Matcher> found;
        try (ChildJvm child = start(peer, bootstrap, dir.resolve("state").resolve(name), name, options.records() - 1,
                "exit", log, settings)) {
            found = EndToEndBench.await(child, log, List.of(REACHED));
            child.awaitExit(Duration.ofMinutes(5));
        }
        Matcher reached = found.get("REACHED");
        put("throughput, " + label + " transactions", peer,
                rate(Long.parseLong(reached.group(1)), Double.parseDouble(reached.group(2))));
        put("peak RSS, " + label + " transactions", peer, Report.megabytes(Long.parseLong(reached.group(3))));
    }

    private static List<String> flag(TransactionalPeer peer) {
        return List.of("enable.transactional.statestores=" + peer.transactional());
    }

    private ChildJvm start(TransactionalPeer peer, String bootstrap, Path stateDir, String appId, long reach,
            String then, Path log, List<String> settings) throws IOException {
        List<String> args = new ArrayList<>(List.of(peer.store().name(), bootstrap, stateDir.toString(),
                "bench-" + appId, Long.toString(reach), then));
        args.addAll(settings);
        return ChildJvm.builder(StreamsBenchChild.class, log)
                .jvmOptions("-Xmx" + options.childHeap(), "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .args(args.toArray(String[]::new))
                .start();
    }

    private void put(String figure, TransactionalPeer peer, String value) {
        table.computeIfAbsent(figure, f -> new LinkedHashMap<>()).put(peer, value);
        System.out.printf("  [%s] %s: %s%n", peer.label(), figure, value);
    }

    private String rate(long records, double seconds) {
        double perSecond = records / Math.max(1e-9, seconds);
        return String.format(Locale.ROOT, "%s records/s (%.0f MB/s)", Report.count(perSecond),
                perSecond * options.recordStoreBytes() / 1e6);
    }

    private String markdown(String kafka, double loadBefore, Duration elapsed) {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        StringBuilder md = new StringBuilder();
        md.append("# Kafka Streams ").append(kafka).append(", exactly_once_v2, transactional state stores (KIP-892)\n\n");
        md.append(String.format(Locale.ROOT, "- Date: %s%n- Machine: %d cores, %s RAM, load average %.2f at the start, "
                        + "%.2f at the end%n- JDK: %s %s; each application in its own JVM (-Xmx%s, G1)%n"
                        + "- Command: `mvn -q install -DskipTests -Dkafka.line=4.4 && mvn -q -pl examples/bench exec:java "
                        + "-Dkafka.line=4.4 -Dexec.args=\"%s\"`%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                Runtime.getRuntime().availableProcessors(), Report.megabytes(memory), loadBefore,
                os.getSystemLoadAverage(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                options.childHeap(), String.join(" ", options.commandLine())));
        md.append(String.format(Locale.ROOT, "- Input: %,d records of %d-byte keys (over %,d possible) and %d-byte "
                        + "values: %,d MB into the store; KTable upsert (`groupByKey().reduce`), 1 stream thread. "
                        + "Run took %d min %d s.%n%n", options.records(), options.keyBytes(), options.records(),
                options.valueBytes(), options.records() * options.recordStoreBytes() >> 20, elapsed.toMinutes(),
                elapsed.toSecondsPart()));
        md.append("| figure |");
        options.peers().forEach(p -> md.append(' ').append(p.heading()).append(" |"));
        md.append("\n|---|");
        options.peers().forEach(p -> md.append("---:|"));
        md.append('\n');
        table.forEach((figure, values) -> {
            md.append("| ").append(figure).append(" |");
            options.peers().forEach(p -> md.append(' ').append(values.getOrDefault(p, "–")).append(" |"));
            md.append('\n');
        });
        md.append("\n\"Flag\" is `enable.transactional.statestores`. A transaction of N MB: `commit.interval.ms` 10 min "
                + "and `statestore.uncommitted.max.bytes` N MB, so Kafka commits whenever the stores' "
                + "`approximateNumUncommittedBytes()` pass N MB (RocksDB without the flag reports 0, so its "
                + "transactions span the 10 minutes or the whole input).\n");
        return md.toString();
    }

    /** The version kafka-clients records in its jar ({@code AppInfoParser} moved in 4.4). */
    static String kafkaVersion() throws IOException {
        try (InputStream in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
    }

    /** 4.4.0 or later (4.10 included), by the version's first two numbers. */
    static boolean atLeast44(String version) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor >= 4);
    }
}
