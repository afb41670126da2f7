package dev.sediment.bench;

import dev.sediment.examples.childjvm.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** The window-store part: {@link WindowBenchChild} on each chosen store, each in a child JVM of its own. */
final class WindowBench {
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(60);

    private final BenchOptions options;
    private final Path dir;

    WindowBench(BenchOptions options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    /** The settings the children run with. */
    static WindowBenchChild.Settings settings(BenchOptions options) {
        return new WindowBenchChild.Settings(options.windowRecords(), options.keyBytes(), options.valueBytes(),
                options.warmup(), options.runs(), options.runSeconds());
    }

    List<Measurement> run() throws IOException, InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        for (StoreKind store : options.selectedStores()) {
            Path stateDir = dir.resolve("state").resolve("window-" + store.label());
            Path results = dir.resolve(store.label() + "-window.csv");
            Path log = dir.resolve(store.label() + "-window.log");
            Files.createDirectories(stateDir);
            List<String> args = new ArrayList<>(List.of(store.name(), stateDir.toString(), results.toString()));
            args.addAll(settings(options).args());
            System.out.printf("%n== %s: window-store workloads in a child JVM (log %s)%n", store.label(), log);
            ChildJvm child = ChildJvm.builder(WindowBenchChild.class, log)
                    .jvmOptions(StoreMemory.jvmOptions(options, store).toArray(String[]::new))
                    .args(args.toArray(String[]::new))
                    .start();
            try (child) {
                OptionalInt exit = BenchMain.follow(child, log, CHILD_TIMEOUT);
                if (exit.isEmpty() || exit.getAsInt() != 0) {
                    System.out.println("!! " + store.label() + " window part failed (exit " + exit + "); see " + log);
                }
            }
            if (Files.exists(results)) {
                for (String line : Files.readAllLines(results)) {
                    rows.add(Measurement.parseCsv(line));
                }
            }
        }
        return rows;
    }
}
