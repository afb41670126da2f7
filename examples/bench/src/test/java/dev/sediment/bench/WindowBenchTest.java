package dev.sediment.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The window-store part's options, and a tiny run of its workloads on each store (a smoke test, not timed). */
class WindowBenchTest {
    @TempDir
    Path dir;

    @Test
    void windowRecordsOptionAndDefaults() {
        assertEquals(1_000_000, BenchOptions.parse().windowRecords());
        assertEquals(100_000, BenchOptions.parse("--quick").windowRecords());
        assertEquals(0, BenchOptions.parse("--window-records", "0").windowRecords());
        WindowBenchChild.Settings settings = WindowBench.settings(BenchOptions.parse("--window-records", "50K", "--runs", "2"));
        assertEquals(settings, WindowBenchChild.Settings.parse(settings.args().toArray(String[]::new), 0));
        assertEquals(500, settings.keys());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void everyWorkloadRunsOnEveryStore(StoreKind kind) throws Exception {
        List<Measurement> rows = new ArrayList<>();
        new WindowBenchChild(kind, dir, new WindowBenchChild.Settings(2_000, 16, 32, 0, 1, 0.02)).run(rows::add);
        List<String> names = rows.stream().map(Measurement::workload).toList();
        for (WindowWorkload w : List.of(WindowWorkload.PUT, WindowWorkload.FETCH, WindowWorkload.FETCH_ALL,
                WindowWorkload.RESTORE)) {
            Measurement row = rows.get(names.indexOf(w.label()));
            assertTrue(row.throughput() > 0, row.toString());
            assertEquals("window", row.part());
        }
        for (int p = 1; p <= WindowBenchChild.PERIODS; p++) {
            assertTrue(names.contains("window-retention-" + p + "-disk"), names.toString());
            assertTrue(names.contains("window-retention-" + p + "-files"), names.toString());
        }
        Measurement lastDisk = rows.get(names.indexOf("window-retention-" + WindowBenchChild.PERIODS + "-disk"));
        assertEquals(kind != StoreKind.IN_MEMORY, lastDisk.diskBytes() > 0, lastDisk.toString());
        assertEquals(4 + 2 * WindowBenchChild.PERIODS, rows.size(), names.toString());
    }
}
