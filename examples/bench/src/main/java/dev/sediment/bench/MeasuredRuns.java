package dev.sediment.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How a bench child times a workload: {@code warmup} runs that are not reported, then {@code runs} that are, either
 * as consecutive slices of a key range or as runs of up to {@code runSeconds}; and the {@link Measurement} their
 * rates and latencies make. The store and window children share it so that their figures mean the same.
 *
 * @param warmup runs done first and not reported
 * @param runs runs reported
 * @param runSeconds how long a timed run lasts
 */
record MeasuredRuns(int warmup, int runs, double runSeconds) {
    /** Latency of every 8th op: {@link System#nanoTime} around a sub-microsecond op would cost more than the op. */
    static final long SAMPLE_MASK = 7;
    /** Latency of every op: for ops of many microseconds (scans). */
    static final long EVERY_OP = 0;

    /** One measured run: units (ops, entries, records) per second, and the sampled latencies. */
    record Run(double rate, LatencyHistogram histogram) {
    }

    interface Slice {
        /** Does keys {@code from..to-1}, recording latencies, and returns the units done. */
        long run(long from, long to, LatencyHistogram histogram) throws Exception;
    }

    interface Step {
        /** One op; returns the units done. */
        long run(long index) throws Exception;
    }

    /** Warmup and measured runs together. */
    int count() {
        return warmup + runs;
    }

    /** Whether run {@code r} (0-based, warmup first) is reported. */
    boolean measured(int r) {
        return r >= warmup;
    }

    /** Keys 0..n-1 in warmup + runs consecutive slices; the first {@code warmup} slices are not reported. */
    List<Run> slices(long n, Slice slice) throws Exception {
        int count = count();
        List<Run> result = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            long from = n * s / count;
            long to = n * (s + 1) / count;
            LatencyHistogram hist = new LatencyHistogram();
            long start = System.nanoTime();
            long units = slice.run(from, to, hist);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (measured(s)) {
                result.add(new Run(units / seconds, hist));
            }
        }
        return result;
    }

    /**
     * {@code count} runs of up to runSeconds and {@code maxOps} ops each (1: the op is the whole run), the latency of
     * ops {@code i} with {@code (i & sampleMask) == 0} recorded; the first {@code warmup} runs are not reported.
     */
    List<Run> timed(int count, long maxOps, long sampleMask, Step step) throws Exception {
        List<Run> result = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            LatencyHistogram hist = new LatencyHistogram();
            long start = System.nanoTime();
            long deadline = start + (long) (runSeconds * 1e9);
            long units = 0;
            for (long i = 0; i < maxOps; i++) {
                boolean sample = (i & sampleMask) == 0;
                long t0 = sample ? System.nanoTime() : 0;
                units += step.run(i);
                if (sample) {
                    long t1 = System.nanoTime();
                    hist.record(t1 - t0);
                    if (t1 > deadline && maxOps != 1) {
                        break;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (measured(r)) {
                result.add(new Run(units / seconds, hist));
            }
        }
        return result;
    }

    /** Warmup + runs runs of runSeconds each, with no bound on the ops of a run. */
    List<Run> timed(long sampleMask, Step step) throws Exception {
        return timed(count(), Long.MAX_VALUE, sampleMask, step);
    }

    /**
     * The row of measured runs: their median, slowest and fastest rate, latency percentiles where at least 10 were
     * sampled, and the JVM's peaks so far from {@code meter}.
     */
    static Measurement row(String part, StoreKind kind, String workload, String unit, List<Run> runs, long disk,
            long written, long user, ProcessMeter meter) {
        double[] rates = runs.stream().mapToDouble(Run::rate).sorted().toArray();
        LatencyHistogram hist = new LatencyHistogram();
        runs.forEach(r -> hist.add(r.histogram()));
        double median = rates.length % 2 == 1 ? rates[rates.length / 2]
                : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
        boolean latencies = hist.count() >= 10;
        return new Measurement(part, kind, workload, unit, median, rates[0], rates[rates.length - 1],
                latencies ? hist.percentile(0.5) : -1, latencies ? hist.percentile(0.99) : -1,
                latencies ? hist.percentile(0.999) : -1, disk, written, user, meter.peakHeapUsedBytes(),
                meter.peakHeapAfterGcBytes(), ProcessMeter.peakRssBytes());
    }
}
