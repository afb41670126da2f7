package dev.sediment.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One row of results: a workload (or an end-to-end figure) on one store. Latencies are in nanoseconds,
 * -1 where they do not apply; bytes are -1 where unknown.
 *
 * @param throughput median of the measured runs, in {@code unit}
 * @param minThroughput slowest measured run
 * @param maxThroughput fastest measured run
 * @param diskBytes bytes on disk under the store's state directory after the workload (and its commit)
 * @param writtenBytes bytes the process wrote to storage during the workload, commit included
 * @param userBytes key and value bytes the workload handed to the store (for write amplification)
 * @param peakHeapBytes highest heap in use so far in the store's JVM
 * @param peakLiveHeapBytes highest heap (and non-heap pools) still in use right after a GC so far
 * @param peakRssBytes peak resident set size of the store's JVM so far (VmHWM)
 */
record Measurement(String part, StoreKind store, String workload, String unit, double throughput,
        double minThroughput, double maxThroughput, long p50Nanos, long p99Nanos, long p999Nanos,
        long diskBytes, long writtenBytes, long userBytes, long peakHeapBytes, long peakLiveHeapBytes,
        long peakRssBytes) {

    static final String CSV_HEADER = "part,store,workload,unit,throughput,min_throughput,max_throughput,"
            + "p50_ns,p99_ns,p999_ns,disk_bytes,written_bytes,user_bytes,peak_heap_bytes,peak_live_heap_bytes,peak_rss_bytes";

    String toCsv() {
        return String.join(",", part, store.label(), workload, unit,
                String.format(Locale.ROOT, "%.1f", throughput), String.format(Locale.ROOT, "%.1f", minThroughput),
                String.format(Locale.ROOT, "%.1f", maxThroughput), Long.toString(p50Nanos), Long.toString(p99Nanos),
                Long.toString(p999Nanos), Long.toString(diskBytes), Long.toString(writtenBytes),
                Long.toString(userBytes), Long.toString(peakHeapBytes), Long.toString(peakLiveHeapBytes),
                Long.toString(peakRssBytes));
    }

    /** Appends this row's CSV line to a results file, which a child JVM hands back to the parent. */
    void appendTo(Path resultsFile) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(resultsFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            out.println(toCsv());
        }
    }

    static Measurement parseCsv(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 16) {
            throw new IllegalArgumentException("not a measurement line: " + line);
        }
        return new Measurement(f[0], StoreKind.valueOf(f[1].toUpperCase(Locale.ROOT).replace('-', '_')), f[2], f[3],
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]),
                Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]),
                Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]), Long.parseLong(f[15]));
    }

    /** Bytes written per user byte, or NaN. */
    double writeAmplification() {
        return writtenBytes > 0 && userBytes > 0 ? (double) writtenBytes / userBytes : Double.NaN;
    }
}
