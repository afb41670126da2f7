package dev.sediment.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README table from several runs: one outlier run moves no median. */
class RunMediansTest {
    private static Measurement row(String store, String workload, double throughput, long written, long rss) {
        return Measurement.parseCsv(String.format(java.util.Locale.ROOT,
                "store,%s,%s,ops/s,%.1f,1,1,1,1,1,1000000,%d,1,1,1,%d", store, workload, throughput, written, rss));
    }

    private static List<Measurement> run(double sedimentGet, double rocksGet, long sedimentRss) {
        return List.of(row("sediment", "fill", 500_000, 10_000_000, 100_000_000),
                row("rocksdb", "fill", 400_000, 20_000_000, 300_000_000),
                row("sediment", "get", sedimentGet, 0, sedimentRss),
                row("rocksdb", "get", rocksGet, 0, 300_000_000));
    }

    @Test
    void eachFigureIsTheMedianOverRunsAndTheRatioRangeShowsTheSpread() {
        String md = RunMedians.markdown(List.of(run(200_000, 100_000, 200_000_000), run(30_000, 100_000, 900_000_000),
                run(220_000, 110_000, 250_000_000)));
        assertTrue(md.startsWith("Median of 3 runs."), md);
        assertTrue(md.contains("| get | 200K ops/s | 100K | – | 2.00× | 0.30×–2.00× |"), md);
        assertTrue(md.contains("| fill | 500K ops/s | 400K | – | 1.25× | 1.25×–1.25× |"), md);
        assertTrue(md.contains("| peak RSS | 250 MB | 300 MB | – | 0.83× |"), md);
        assertTrue(md.contains("| bytes written, all workloads | 10 MB | 20 MB | – | 0.50× |"), md);
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, RunMedians.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(RunMedians.median(new double[0])));
    }
}
