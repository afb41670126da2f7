package dev.sediment.bench;

import dev.sediment.examples.childjvm.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Runs the comparison: the store-layer workloads on each store in a child JVM of its own, then the
 * end-to-end part on the embedded broker, then writes the report (markdown, CSV, PNG) under
 * {@code target/bench-results/<timestamp>/}. See the module's README.
 */
public final class BenchMain {
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(60);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains(TransactionalBenchOptions.FLAG)) {
            TransactionalBench.main(args); // a separate comparison, on Kafka 4.4's transactional stores
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().equals("help")) {
                System.err.println(e.getMessage());
            }
            System.err.print(BenchOptions.usage());
            System.exit(2);
            return;
        }
        Path dir = options.out().toAbsolutePath()
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        System.out.printf("Sediment benchmark: %,d keys, %d-byte keys, %d-byte values; results in %s%n",
                options.keys(), options.keyBytes(), options.valueBytes(), dir);
        long start = System.nanoTime();
        List<Measurement> rows = new ArrayList<>();
        List<String> profiles = new ArrayList<>();
        for (StoreKind store : options.selectedStores()) {
            try {
                rows.addAll(runStoreChild(options, store, dir, profiles));
            } catch (IllegalStateException e) {
                System.out.println("!! " + store.label() + " store-layer part failed: " + e.getMessage());
                Path partial = dir.resolve(store.label() + "-store.csv");
                if (Files.exists(partial)) {
                    for (String line : Files.readAllLines(partial)) {
                        rows.add(Measurement.parseCsv(line));
                    }
                }
            }
        }
        if (options.jfrWorkload() == null && options.windowRecords() > 0) {
            rows.addAll(new WindowBench(options, dir).run());
        }
        if (options.jfrWorkload() == null && options.endToEndRecords() > 0) {
            rows.addAll(new EndToEndBench(options, dir).run());
        }
        Report report = new Report(options, rows, Duration.ofNanos(System.nanoTime() - start), profiles);
        report.write(dir);
        deleteScratch(dir);
        System.out.println();
        System.out.println(report.markdown());
        System.out.println("Results: " + dir);
        System.exit(0);
    }

    /**
     * Deletes what the runs wrote only to measure it (stores' state directories, the embedded broker's log), which
     * is gigabytes at 10M keys: repeated runs would otherwise fill the disk. Results, logs and profiles stay.
     */
    static void deleteScratch(Path dir) throws IOException {
        for (String scratch : new String[] {"state", "e2e-state", "broker"}) {
            EndToEndBench.deleteTree(dir.resolve(scratch));
        }
    }

    private static List<Measurement> runStoreChild(BenchOptions options, StoreKind store, Path dir, List<String> profiles)
            throws IOException, InterruptedException {
        Path stateDir = dir.resolve("state").resolve(store.label());
        Path results = dir.resolve(store.label() + "-store.csv");
        Path log = dir.resolve(store.label() + "-store.log");
        Files.createDirectories(stateDir);
        List<String> args = new ArrayList<>(List.of(store.name(), stateDir.toString(), results.toString()));
        Path jfr = null;
        List<String> jvm = StoreMemory.jvmOptions(options, store);
        if (options.jfrWorkload() != null) {
            jfr = dir.resolve(store.label() + "-" + options.jfrWorkload().label() + ".jfr");
            args.addAll(List.of("--jfr-file", jfr.toString()));
            jvm.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints"));
        }
        args.addAll(options.childArgs());
        System.out.printf("%n== %s: store-layer workloads in a child JVM (log %s)%n", store.label(), log);
        ChildJvm child = ChildJvm.builder(StoreBenchChild.class, log)
                .jvmOptions(jvm.toArray(String[]::new))
                .args(args.toArray(String[]::new))
                .start();
        try (child) {
            OptionalInt exit = follow(child, log, CHILD_TIMEOUT);
            if (exit.isEmpty() || exit.getAsInt() != 0) {
                throw child.failure("failed (exit " + exit + ")");
            }
        }
        if (jfr != null) {
            String hot = JfrHotMethods.summarize(jfr, 25);
            System.out.println(hot);
            profiles.add("### " + store.label() + ": " + options.jfrWorkload().label() + " (" + jfr + ")\n\n```\n" + hot + "```\n");
        }
        List<Measurement> rows = new ArrayList<>();
        for (String line : Files.readAllLines(results)) {
            rows.add(Measurement.parseCsv(line));
        }
        return rows;
    }

    /** Copies the child's new log lines to stdout (progress) until it exits. */
    static OptionalInt follow(ChildJvm child, Path log, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long offset = Files.exists(log) ? Files.size(log) : 0;
        while (true) {
            boolean alive = child.isAlive();
            offset = copyNew(log, offset);
            if (!alive) {
                return child.exitCode();
            }
            if (System.nanoTime() > deadline) {
                return OptionalInt.empty();
            }
            Thread.sleep(200);
        }
    }

    private static long copyNew(Path log, long offset) throws IOException {
        List<String> lines = new ArrayList<>();
        long next = readNew(log, offset, lines);
        lines.forEach(line -> System.out.println("  " + line));
        return next;
    }

    /** Adds the complete lines after {@code offset} (child JVM headers left out); returns the new offset. */
    static long readNew(Path log, long offset, List<String> lines) throws IOException {
        if (!Files.exists(log)) {
            return offset;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (length <= offset) {
                return offset;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            file.seek(offset);
            file.readFully(bytes);
            int end = bytes.length - 1;
            while (end >= 0 && bytes[end] != '\n') {
                end--;
            }
            if (end < 0) {
                return offset;
            }
            String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (!line.startsWith("=== ")) {
                    lines.add(line);
                }
            }
            return offset + end + 1;
        }
    }
}
