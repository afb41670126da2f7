package dev.sediment.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The results as a person reads them: {@code results.md} (machine, command, tables with ratios against
 * RocksDB), {@code results.csv} (every figure) and {@code ratios.png}.
 */
final class Report {
    private final BenchOptions options;
    private final List<Measurement> rows;
    private final RunResults results;
    private final Duration elapsed;
    private final List<String> profiles;
    private final List<StoreKind> stores;

    Report(BenchOptions options, List<Measurement> rows, Duration elapsed, List<String> profiles) {
        this.options = options;
        this.rows = rows;
        this.results = new RunResults(rows);
        this.elapsed = elapsed;
        this.profiles = profiles;
        Set<StoreKind> seen = new LinkedHashSet<>();
        rows.forEach(r -> seen.add(r.store()));
        this.stores = List.copyOf(seen);
    }

    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("results.md"), markdown());
        List<String> csv = new ArrayList<>();
        csv.add(Measurement.CSV_HEADER);
        rows.forEach(r -> csv.add(r.toCsv()));
        Files.write(dir.resolve("results.csv"), csv);
        if (stores.contains(StoreKind.ROCKSDB) && stores.size() > 1) {
            RatioChart.write(this, dir.resolve("ratios.png"));
        }
    }

    List<StoreKind> stores() {
        return stores;
    }

    List<String> workloads(String part) {
        Set<String> names = new LinkedHashSet<>();
        rows.stream().filter(r -> r.part().equals(part)).forEach(r -> names.add(r.workload()));
        return List.copyOf(names);
    }

    Optional<Measurement> find(String part, StoreKind store, String workload) {
        return results.find(part, store, workload);
    }

    /** store's figure over RocksDB's, or NaN. */
    double ratio(String part, StoreKind store, String workload) {
        Optional<Measurement> mine = find(part, store, workload);
        Optional<Measurement> rocks = find(part, StoreKind.ROCKSDB, workload);
        if (mine.isEmpty() || rocks.isEmpty() || rocks.get().throughput() <= 0) {
            return Double.NaN;
        }
        return mine.get().throughput() / rocks.get().throughput();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Sediment vs Kafka Streams' RocksDB and in-memory stores\n\n");
        md.append(machine()).append('\n');
        md.append(String.format(Locale.ROOT, "%,d keys of %d bytes, %d-byte values (half compressible); %d warm-up + %d "
                + "measured runs per workload (%.1f s each where time-bounded), median shown, after a JVM warm-up on "
                + "%,d scratch keys; each store in its own JVM "
                + "(-Xmx%s for Sediment and RocksDB, -Xmx%s in memory; Sediment's budget %d MiB, %d MiB of it block cache)."
                + " Run took %d min %d s.%n%n", options.keys(), options.keyBytes(), options.valueBytes(),
                options.warmup(), options.runs(), options.runSeconds(), options.jvmWarmupKeys(), options.childHeap(),
                options.inMemoryHeap(),
                StoreMemory.SEDIMENT_BUDGET_BYTES >> 20, StoreMemory.BLOCK_CACHE_BYTES >> 20, elapsed.toMinutes(),
                elapsed.toSecondsPart()));
        List<String> storeWorkloads = workloads("store");
        if (!storeWorkloads.isEmpty()) {
            md.append("## Store layer (`KeyValueStore<Bytes, byte[]>`): throughput, ×RocksDB\n\n");
            throughputTable(md, "store", "workload", storeWorkloads);
            md.append("\n## Store layer: latency p50 / p99 / p99.9 (µs, sampled 1 op in 8, every scan; putAll and restore per record)\n\n");
            md.append("| workload |");
            stores.forEach(s -> md.append(' ').append(s.label()).append(" |"));
            md.append('\n').append("|---|");
            stores.forEach(s -> md.append("---:|"));
            md.append('\n');
            for (String w : storeWorkloads) {
                md.append("| ").append(w).append(" |");
                stores.forEach(s -> md.append(' ').append(find("store", s, w).map(Report::latencies).orElse("–")).append(" |"));
                md.append('\n');
            }
            md.append("\n## Store layer: disk and memory (lower is better; ×RocksDB in parentheses)\n\n");
            md.append("| figure |");
            stores.forEach(s -> md.append(' ').append(s.label()).append(" |"));
            md.append('\n').append("|---|");
            stores.forEach(s -> md.append("---:|"));
            md.append('\n');
            resourceRow(md, "bytes on disk after fill", s -> find("store", s, "fill").map(Measurement::diskBytes));
            resourceRow(md, "bytes on disk at the end", s -> results.lastStoreRow(s).map(Measurement::diskBytes));
            resourceRow(md, "bytes written during fill", s -> find("store", s, "fill").map(Measurement::writtenBytes));
            resourceRow(md, "bytes written, all workloads", s -> results.storeWrittenBytes(s));
            // Time-bounded workloads (overwrite, reads while writing, commit) write what the store takes in its
            // seconds: a faster store is handed more bytes, so compare the totals per byte handed over too.
            resourceRow(md, "key+value bytes handed to the store, all workloads", s -> results.storeUserBytes(s));
            resourceRow(md, "peak heap in use", s -> results.lastStoreRow(s).map(Measurement::peakHeapBytes));
            resourceRow(md, "max heap after a GC (upper bound of live data)", s -> results.lastStoreRow(s).map(Measurement::peakLiveHeapBytes));
            resourceRow(md, "peak RSS (VmHWM)", s -> results.lastStoreRow(s).map(Measurement::peakRssBytes));
            md.append("\nWrite amplification (bytes written to storage / key+value bytes handed to the store):");
            for (StoreKind s : stores) {
                md.append(' ').append(s.label()).append(' ')
                        .append(find("store", s, "fill").map(m -> String.format(Locale.ROOT, "fill %.2f", m.writeAmplification())).orElse("–"))
                        .append(find("store", s, "overwrite").map(m -> String.format(Locale.ROOT, ", overwrite %.2f", m.writeAmplification())).orElse(""))
                        .append(results.storeWrittenBytes(s).flatMap(w -> results.storeUserBytes(s).filter(u -> u > 0)
                                .map(u -> String.format(Locale.ROOT, ", all workloads %.2f", (double) w / u))).orElse(""))
                        .append(';');
            }
            md.append(" (a store that flushes later than the workload ends shows less).\n");
        }
        List<String> window = workloads("window");
        if (!window.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n## Window stores (`WindowStore<Bytes, byte[]>`, %,d records, 1-minute "
                    + "windows, 10-minute retention): throughput, then bytes on disk and open files after each "
                    + "retention period of puts (lower is better), ×RocksDB%n%n", options.windowRecords()));
            throughputTable(md, "window", "workload", window);
        }
        List<String> e2e = workloads("e2e");
        if (!e2e.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n## End to end on the embedded broker (%,d input records, exactly_once_v2, 1 stream thread; "
                    + "records/s higher is better, s and records lower)%n%n",
                    options.endToEndRecords()));
            throughputTable(md, "e2e", "figure", e2e);
        }
        if (!profiles.isEmpty()) {
            md.append("\n## Profiles\n\n");
            profiles.forEach(p -> md.append(p).append('\n'));
        }
        return md.toString();
    }

    private List<StoreKind> ratioStores() {
        return stores.contains(StoreKind.ROCKSDB) ? stores.stream().filter(s -> s != StoreKind.ROCKSDB).toList() : List.of();
    }

    private void resourceRow(StringBuilder md, String name, java.util.function.Function<StoreKind, Optional<Long>> figure) {
        md.append("| ").append(name).append(" |");
        Optional<Long> rocks = stores.contains(StoreKind.ROCKSDB) ? figure.apply(StoreKind.ROCKSDB) : Optional.empty();
        for (StoreKind s : stores) {
            Optional<Long> value = figure.apply(s);
            md.append(' ').append(value.map(Report::megabytes).orElse("–"));
            if (s != StoreKind.ROCKSDB && value.isPresent() && rocks.isPresent() && rocks.get() > 0 && value.get() >= 0) {
                md.append(String.format(Locale.ROOT, " (%.2f×)", (double) value.get() / rocks.get()));
            }
            md.append(" |");
        }
        md.append('\n');
    }

    private static String latencies(Measurement m) {
        if (m.p50Nanos() < 0) {
            return "–";
        }
        return micros(m.p50Nanos()) + " / " + micros(m.p99Nanos()) + " / " + micros(m.p999Nanos());
    }

    private static String micros(long nanos) {
        double us = nanos / 1000.0;
        return us >= 100 ? String.format(Locale.ROOT, "%,.0f", us) : String.format(Locale.ROOT, "%.1f", us);
    }

    static String count(double value) {
        if (value >= 10_000_000) {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        if (value >= 10_000) {
            return String.format(Locale.ROOT, "%.0fK", value / 1e3);
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String megabytes(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "–" : ratio(ratio);
    }

    /** Two decimals, or two significant digits below 0.01. */
    static String ratio(double ratio) {
        return String.format(Locale.ROOT, ratio < 0.01 ? "%.2g×" : "%.2f×", ratio);
    }

    private String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count is enough
        }
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return String.format(Locale.ROOT, "- Date: %s%n- Machine: %d cores%s, %s RAM, load average %.2f at the end%n"
                        + "- JDK: %s %s (%s); OS: %s %s %s%n"
                        + "- Command: `mvn -q install -DskipTests && mvn -q -pl examples/bench exec:java%s`%n",
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), Runtime.getRuntime().availableProcessors(),
                cpu.isEmpty() ? "" : " (" + cpu + ")", megabytes(memory), os.getSystemLoadAverage(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                options.commandLine().isEmpty() ? "" : " -Dexec.args=\"" + String.join(" ", options.commandLine()) + "\"");
    }

    /** One row per workload of {@code part}: its unit, each store's median, and each store ÷ RocksDB. */
    private void throughputTable(StringBuilder md, String part, String firstColumn, List<String> workloads) {
        md.append("| ").append(firstColumn).append(" | unit |");
        stores.forEach(s -> md.append(' ').append(s.label()).append(" |"));
        ratioStores().forEach(s -> md.append(' ').append(s.label()).append(" ×rocksdb |"));
        md.append('\n').append("|---|---|");
        stores.forEach(s -> md.append("---:|"));
        ratioStores().forEach(s -> md.append("---:|"));
        md.append('\n');
        for (String w : workloads) {
            String unit = rows.stream().filter(r -> r.part().equals(part) && r.workload().equals(w)).findFirst()
                    .orElseThrow().unit();
            md.append("| ").append(w).append(" | ").append(unit).append(" |");
            stores.forEach(s -> md.append(' ').append(find(part, s, w).map(m -> count(m.throughput())).orElse("–")).append(" |"));
            ratioStores().forEach(s -> md.append(' ').append(ratioText(ratio(part, s, w))).append(" |"));
            md.append('\n');
        }
    }
}
