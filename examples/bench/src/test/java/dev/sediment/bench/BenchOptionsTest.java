package dev.sediment.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Argument parsing and the histogram only: the benchmark itself never runs in the test suite. */
class BenchOptionsTest {
    @Test
    void defaultsAreTheDocumentedComparison() {
        BenchOptions options = BenchOptions.parse();
        assertEquals(1_000_000, options.keys());
        assertEquals(16, options.keyBytes());
        assertEquals(100, options.valueBytes());
        assertEquals(3, options.runs());
        assertEquals(2_000_000, options.endToEndRecords());
        assertEquals(List.of(Workload.values()), options.selectedWorkloads());
        assertEquals(List.of(StoreKind.values()), options.selectedStores());
        assertNull(options.jfrWorkload());
        assertEquals("392m", options.heap(StoreKind.SEDIMENT), "four times Kafka's default RocksDB memory of a store");
        assertEquals("392m", options.heap(StoreKind.ROCKSDB));
        assertEquals("1g", options.heap(StoreKind.IN_MEMORY));
        assertEquals(50_000, options.mixWriteRate(), "one write load for every store's readers");
        assertEquals(300_000, options.jvmWarmupKeys(), "the JIT compiles the engine before anything is measured");
    }

    @Test
    void theJvmWarmupReachesTheChildAndCanBeSkipped() {
        List<String> child = BenchOptions.parse("--jvm-warmup-keys", "0").childArgs();
        assertEquals(0, BenchOptions.parse(child.toArray(String[]::new)).jvmWarmupKeys());
        assertEquals(100_000, BenchOptions.parse("--quick").jvmWarmupKeys());
    }

    @Test
    void overwritesAndCommitsAreCountsSoEveryStoreIsHandedTheSameBytes() {
        assertEquals(2_000_000, StoreBenchChild.overwrites(1_000_000), "two per key");
        assertEquals(4_000_000, StoreBenchChild.overwrites(10_000_000), "capped, so a 10M run stays minutes");
        assertEquals(100_000, StoreBenchChild.commits(1_000_000), "one per 10 keys");
        assertEquals(200_000, StoreBenchChild.commits(10_000_000));
    }

    @Test
    void theMixWriteRateReachesTheChild() {
        BenchOptions options = BenchOptions.parse("--mix-write-rate", "0");
        assertEquals(0, options.mixWriteRate(), "0 writes flat out");
        List<String> child = BenchOptions.parse("--mix-write-rate", "20K").childArgs();
        assertEquals(20_000, BenchOptions.parse(child.toArray(String[]::new)).mixWriteRate());
    }

    @Test
    void parsesSizesFiltersAndJfr() {
        BenchOptions options = BenchOptions.parse("--keys", "10M", "--stores", "sediment,rocksdb",
                "--workloads=get,missing-get", "--jfr", "seek-forward", "--e2e-records", "0");
        assertEquals(10_000_000, options.keys());
        assertEquals("392m", options.heap(StoreKind.ROCKSDB), "the budget, not the key count, sets the heap");
        assertEquals("2g", options.heap(StoreKind.IN_MEMORY));
        assertEquals(List.of(StoreKind.SEDIMENT, StoreKind.ROCKSDB), options.selectedStores());
        assertEquals(List.of(Workload.GET, Workload.MISSING_GET, Workload.SEEK_FORWARD), options.selectedWorkloads());
        assertEquals(List.of(Workload.SEEK_FORWARD), BenchOptions.parse("--jfr", "seek-forward").selectedWorkloads());
        assertEquals(0, options.endToEndRecords());
        assertEquals(200_000, BenchOptions.parse("--quick").keys());
    }

    @Test
    void rejectsUnknownOptions() {
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--key", "5"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--workloads", "nope"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--mix-write-rate", "-1"));
    }

    @Test
    void histogramPercentilesAreWithinABucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 10_000; v++) {
            histogram.record(v * 100);
        }
        assertEquals(500_000, histogram.percentile(0.5), 500_000 * 0.07);
        assertEquals(990_000, histogram.percentile(0.99), 990_000 * 0.07);
        for (int i = 0; i < 900; i++) {
            assertEquals(i, LatencyHistogram.index(LatencyHistogram.upperBound(i)));
        }
    }
}
