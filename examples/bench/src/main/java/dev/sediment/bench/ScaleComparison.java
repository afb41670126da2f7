package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Path;
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
        System.out.print(markdown(RunResults.read(Path.of(args[0])).rows(), RunResults.read(Path.of(args[1])).rows()));
    }

    /** The store-layer rows both runs have, in the smaller run's order. */
    static String markdown(List<Measurement> smallRows, List<Measurement> largeRows) {
        RunResults small = new RunResults(smallRows);
        RunResults large = new RunResults(largeRows);
        StringBuilder md = new StringBuilder();
        md.append("| workload | store | smaller run | larger run | change |\n|---|---|---:|---:|---:|\n");
        for (Measurement s : smallRows) {
            if (!s.part().equals("store")) {
                continue;
            }
            Measurement l = large.find(s.part(), s.store(), s.workload()).orElse(null);
            if (l == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s |%n", s.workload(), s.store().label(),
                    compact(s.throughput()), s.unit(), compact(l.throughput()), change(s.throughput(), l.throughput())));
        }
        md.append("\n| store | peak RSS, smaller | larger | bytes on disk at the end, smaller | larger |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (StoreKind store : StoreKind.values()) {
            Measurement s = small.lastStoreRow(store).orElse(null);
            Measurement l = large.lastStoreRow(store).orElse(null);
            if (s != null && l != null) {
                md.append(String.format(Locale.ROOT, "| %s | %d MB | %d MB | %d MB | %d MB |%n", store.label(),
                        s.peakRssBytes() >> 20, l.peakRssBytes() >> 20, s.diskBytes() >> 20, l.diskBytes() >> 20));
            }
        }
        return md.toString();
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
