package dev.sediment.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 1M-to-10M comparison table, from two runs' rows. */
class ScaleComparisonTest {
    @Test
    void printsEachWorkloadBothRunsHaveWithItsChange() {
        List<Measurement> small = List.of(
                Measurement.parseCsv("store,sediment,get,ops/s,200000.0,1,1,1,1,1,100,1,1,1,1,104857600"),
                Measurement.parseCsv("store,rocksdb,get,ops/s,120000.0,1,1,1,1,1,100,1,1,1,1,209715200"),
                Measurement.parseCsv("store,sediment,commit,commits/s,5000.0,1,1,1,1,1,100,1,1,1,1,104857600"));
        List<Measurement> large = List.of(
                Measurement.parseCsv("store,sediment,get,ops/s,150000.0,1,1,1,1,1,100,1,1,1,1,314572800"),
                Measurement.parseCsv("store,rocksdb,get,ops/s,90000.0,1,1,1,1,1,100,1,1,1,1,419430400"));
        String md = ScaleComparison.markdown(small, large);
        assertTrue(md.contains("| get | sediment | 200K ops/s | 150K | -25% |"), md);
        assertTrue(md.contains("| get | rocksdb | 120K ops/s | 90K | -25% |"), md);
        assertTrue(!md.contains("commit"), "a workload only one run has is left out:\n" + md);
        assertTrue(md.contains("| sediment | 100 MB | 300 MB |"), md);
        assertEquals("+50%", ScaleComparison.change(2, 3));
    }
}
