package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The README's key-value table from several full runs: per workload and store the median of the runs'
 * throughputs (each run's figure is itself the median of its measured rounds), the Sediment ÷ RocksDB ratio
 * of those medians and the range of the per-run ratios, so one noisy run moves neither. Then the memory and
 * disk figures the same way. Run after N benchmark runs:
 * {@code mvn -q -pl examples/bench exec:java -Dexec.mainClass=dev.sediment.bench.RunMedians
 * -Dexec.args="examples/bench/target/bench-results/<run 1> <run 2> <run 3>"}.
 */
public final class RunMedians {
    private RunMedians() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: RunMedians <run directory or results.csv> <another> [more...]");
            System.exit(2);
        }
        List<List<Measurement>> runs = new ArrayList<>();
        for (String a : args) {
            runs.add(RunResults.read(Path.of(a)).rows());
        }
        System.out.print(markdown(runs));
    }

    static String markdown(List<List<Measurement>> rowsOfRuns) {
        List<RunResults> runs = rowsOfRuns.stream().map(RunResults::new).toList();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Median of %d runs.%n%n", runs.size()));
        md.append("| workload | Sediment | RocksDB | in-memory | Sediment ÷ RocksDB | per-run ratios |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (String[] w : storeWorkloads(rowsOfRuns.get(0))) {
            double sediment = median(runs, StoreKind.SEDIMENT, w[0], Measurement::throughput);
            double rocksdb = median(runs, StoreKind.ROCKSDB, w[0], Measurement::throughput);
            double inMemory = median(runs, StoreKind.IN_MEMORY, w[0], Measurement::throughput);
            md.append(String.format(Locale.ROOT, "| %s | %s %s | %s | %s | %s | %s |%n", w[0], figure(sediment), w[1],
                    figure(rocksdb), figure(inMemory), ratio(sediment, rocksdb), ratioRange(runs, w[0])));
        }
        resourceRow(md, runs, "bytes on disk at the end", (r, s) -> r.lastStoreRow(s).map(Measurement::diskBytes).orElse(-1L));
        resourceRow(md, runs, "bytes written, all workloads", (r, s) -> r.storeWrittenBytes(s).orElse(-1L));
        // Timed workloads hand a faster store more bytes: the totals are read against what each store was handed.
        resourceRow(md, runs, "key+value bytes handed to the store, all workloads", (r, s) -> r.storeUserBytes(s).orElse(-1L));
        resourceRow(md, runs, "peak RSS", (r, s) -> r.lastStoreRow(s).map(Measurement::peakRssBytes).orElse(-1L));
        return md.toString();
    }

    /** Workload and unit of each store-layer row, in the run's order. */
    private static List<String[]> storeWorkloads(List<Measurement> run) {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        for (Measurement m : run) {
            if (m.part().equals("store") && seen.add(m.workload())) {
                out.add(new String[] {m.workload(), m.unit()});
            }
        }
        return out;
    }

    /** A byte figure of one run and store; negative where the run has none. */
    @FunctionalInterface
    private interface RunFigure {
        double of(RunResults run, StoreKind store);
    }

    /** A byte figure per store, median over the runs that have it. */
    private static void resourceRow(StringBuilder md, List<RunResults> runs, String label, RunFigure figure) {
        double[] med = new double[StoreKind.values().length];
        for (StoreKind s : StoreKind.values()) {
            med[s.ordinal()] = median(runs.stream().mapToDouble(r -> figure.of(r, s)).filter(v -> v >= 0).toArray());
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | |%n", label,
                megabytes(med[StoreKind.SEDIMENT.ordinal()]), megabytes(med[StoreKind.ROCKSDB.ordinal()]),
                megabytes(med[StoreKind.IN_MEMORY.ordinal()]),
                ratio(med[StoreKind.SEDIMENT.ordinal()], med[StoreKind.ROCKSDB.ordinal()])));
    }

    private static double median(List<RunResults> runs, StoreKind store, String workload,
                                 ToDoubleFunction<Measurement> figure) {
        return median(runs.stream().flatMap(r -> r.find("store", store, workload).stream()).mapToDouble(figure)
                .toArray());
    }

    /** Lowest and highest Sediment ÷ RocksDB over the runs that have both. */
    private static String ratioRange(List<RunResults> runs, String workload) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (RunResults r : runs) {
            Measurement s = r.find("store", StoreKind.SEDIMENT, workload).orElse(null);
            Measurement k = r.find("store", StoreKind.ROCKSDB, workload).orElse(null);
            if (s != null && k != null && k.throughput() > 0) {
                double q = s.throughput() / k.throughput();
                lo = Math.min(lo, q);
                hi = Math.max(hi, q);
            }
        }
        return lo > hi ? "–" : Report.ratio(lo) + "–" + Report.ratio(hi);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String figure(double v) {
        return Double.isNaN(v) ? "–" : Report.count(v);
    }

    private static String megabytes(double bytes) {
        return Double.isNaN(bytes) ? "–" : Report.megabytes((long) bytes);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "–" : Report.ratio(a / b);
    }
}
