package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How each figure changes with the key count: reads two runs' {@code results.csv} (say 1M and 10M keys) and
 * prints, per store-layer workload and store, both throughputs and the change, then peak RSS and bytes on disk.
 * Run after two benchmark runs:
 * {@code mvn -q -pl examples/bench exec:java -Dexec.mainClass=dev.sediment.bench.ScaleComparison
 * -Dexec.args="examples/bench/target/bench-results/<1M run> examples/bench/target/bench-results/<10M run>"}.
 */
public final class ScaleComparison {
    private ScaleComparison() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ScaleComparison <smaller run's directory or results.csv> <larger run's ...>");
            System.exit(2);
        }
        System.out.print(markdown(read(Path.of(args[0])), read(Path.of(args[1]))));
    }

    static List<Measurement> read(Path runOrCsv) throws IOException {
        Path csv = Files.isDirectory(runOrCsv) ? runOrCsv.resolve("results.csv") : runOrCsv;
        List<Measurement> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (!line.isBlank() && !line.equals(Measurement.CSV_HEADER)) {
                rows.add(Measurement.parseCsv(line));
            }
        }
        return rows;
    }

    /** The store-layer rows both runs have, in the smaller run's order. */
    static String markdown(List<Measurement> small, List<Measurement> large) {
        StringBuilder md = new StringBuilder();
        md.append("| workload | store | smaller run | larger run | change |\n|---|---|---:|---:|---:|\n");
        for (Measurement s : small) {
            if (!s.part().equals("store")) {
                continue;
            }
            Measurement l = find(large, s);
            if (l == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s |%n", s.workload(), s.store().label(),
                    compact(s.throughput()), s.unit(), compact(l.throughput()), change(s.throughput(), l.throughput())));
        }
        md.append("\n| store | peak RSS, smaller | larger | bytes on disk at the end, smaller | larger |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (StoreKind store : StoreKind.values()) {
            Measurement s = last(small, store);
            Measurement l = last(large, store);
            if (s != null && l != null) {
                md.append(String.format(Locale.ROOT, "| %s | %d MB | %d MB | %d MB | %d MB |%n", store.label(),
                        s.peakRssBytes() >> 20, l.peakRssBytes() >> 20, s.diskBytes() >> 20, l.diskBytes() >> 20));
            }
        }
        return md.toString();
    }

    private static Measurement find(List<Measurement> rows, Measurement like) {
        for (Measurement r : rows) {
            if (r.part().equals(like.part()) && r.store() == like.store() && r.workload().equals(like.workload())) {
                return r;
            }
        }
        return null;
    }

    /** A store's last store-layer row: its peak figures are the run's. */
    private static Measurement last(List<Measurement> rows, StoreKind store) {
        Measurement found = null;
        for (Measurement r : rows) {
            if (r.part().equals("store") && r.store() == store) {
                found = r;
            }
        }
        return found;
    }

    static String change(double from, double to) {
        if (!(from > 0) || Double.isNaN(to)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%+.0f%%", 100 * (to / from - 1));
    }

    private static String compact(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%,.0fK", v / 1_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fK", v / 1_000);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
