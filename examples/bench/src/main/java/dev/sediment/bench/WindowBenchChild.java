package dev.sediment.bench;

import dev.sediment.bench.MeasuredRuns.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.internals.StateRestoreCallbackAdapter;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.WindowKeySchema;

/**
 * The window-store workloads ({@link WindowWorkload}) on one store, in a JVM of its own so that its heap, RSS,
 * disk and open files are the store's alone. Arguments: store, state directory, results file, then the
 * {@link Settings} as {@code records keyBytes valueBytes warmup runs runSeconds}. Appends one {@link Measurement}
 * CSV line per figure (part {@code window}) to the results file and prints progress.
 */
public final class WindowBenchChild {
    /** Puts between two commits, as a commit interval would cut them. */
    static final int COMMIT_EVERY = 10_000;
    private static final int BATCH = 1000;
    private static final int FETCH_WINDOWS = 5;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration RETENTION = WINDOW.multipliedBy(10);
    /** Retention periods of the retention run. */
    static final int PERIODS = 6;
    private static final TopicPartition CHANGELOG = new TopicPartition("bench-window-changelog", 0);

    /**
     * The sizes: {@code records} put (and restored); event time advances so they span two retention periods, and
     * the retention run puts half of them per period.
     */
    record Settings(long records, int keyBytes, int valueBytes, int warmup, int runs, double runSeconds) {
        long keys() {
            return Math.max(100, records / 100);
        }

        /** Event time between two records, in milliseconds. */
        double stepMs() {
            return 2.0 * RETENTION.toMillis() / records;
        }

        static Settings parse(String[] args, int from) {
            return new Settings(Long.parseLong(args[from]), Integer.parseInt(args[from + 1]),
                    Integer.parseInt(args[from + 2]), Integer.parseInt(args[from + 3]), Integer.parseInt(args[from + 4]),
                    Double.parseDouble(args[from + 5]));
        }

        List<String> args() {
            return List.of(Long.toString(records), Integer.toString(keyBytes), Integer.toString(valueBytes),
                    Integer.toString(warmup), Integer.toString(runs), Double.toString(runSeconds));
        }
    }

    private final StoreKind kind;
    private final Path stateDir;
    private final Settings settings;
    private final BenchData data;
    private final ProcessMeter meter = new ProcessMeter();
    private final SplittableRandom random = new SplittableRandom(42);
    private final MeasuredRuns measured;
    private long commitOffset;

    WindowBenchChild(StoreKind kind, Path stateDir, Settings settings) {
        this.kind = kind;
        this.stateDir = stateDir;
        this.settings = settings;
        this.data = new BenchData(settings.keyBytes(), settings.valueBytes());
        this.measured = new MeasuredRuns(settings.warmup(), settings.runs(), settings.runSeconds());
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[2]);
        WindowBenchChild child = new WindowBenchChild(StoreKind.valueOf(args[0]), Path.of(args[1]), Settings.parse(args, 3));
        child.run(row -> {
            try {
                row.appendTo(results);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.println("WINDOW BENCH DONE");
        System.exit(0); // stores' background threads must not keep the JVM
    }

    /** Runs every workload, handing each figure to {@code out} as it is measured. */
    void run(Consumer<Measurement> out) throws Exception {
        Opened main = open("bench-window");
        long start = System.nanoTime();
        emit(out, put(main.store()), start);
        emit(out, fetch(main.store()), start);
        emit(out, fetchAll(main.store()), start);
        main.store().close();
        emit(out, restore(), start);
        StoreFiles.delete(stateDir, "bench-window");
        for (Measurement row : retention()) {
            emit(out, row, start);
        }
        meter.close();
    }

    private void emit(Consumer<Measurement> out, Measurement row, long start) {
        System.out.printf("[%s] %-26s %,14.1f %-10s p50 %,8d ns  p99 %,9d ns  disk %,d MB  (%.1f s)%n", kind.label(),
                row.workload(), row.throughput(), row.unit(), row.p50Nanos(), row.p99Nanos(), row.diskBytes() >> 20,
                (System.nanoTime() - start) / 1e9);
        out.accept(row);
    }

    /** A store and the context it was initialized with. */
    private record Opened(WindowStore<Bytes, byte[]> store, StateStoreContext context) {
    }

    private Opened open(String name) {
        StateStoreContext context = WindowBenchContext.create(stateDir.toFile(), StoreMemory.sedimentSettings());
        WindowStore<Bytes, byte[]> store = WindowStores.supplier(kind, name, RETENTION, WINDOW).get();
        store.init(context, store);
        return new Opened(store, context);
    }

    // ---------------------------------------------------------------- the record sequence

    private long time(long i) {
        return (long) (i * settings.stepMs());
    }

    private static long windowStart(long time) {
        return time - time % WINDOW.toMillis();
    }

    private byte[] key(long i) {
        return data.key(i % settings.keys());
    }

    /** The first window start a read may ask for after {@code records} puts: well inside retention. */
    private long liveFrom(long records) {
        return Math.max(0, windowStart(time(records - 1)) - RETENTION.toMillis() + 2 * WINDOW.toMillis());
    }

    private long liveWindows(long records) {
        return Math.max(1, (windowStart(time(records - 1)) - liveFrom(records)) / WINDOW.toMillis() - FETCH_WINDOWS);
    }

    // ---------------------------------------------------------------- workloads

    private Measurement put(WindowStore<Bytes, byte[]> store) throws Exception {
        long writtenBefore = ProcessMeter.writeBytes();
        List<Run> runs = measured.slices(settings.records(), (from, to, hist) -> {
            for (long i = from; i < to; i++) {
                boolean sample = (i & MeasuredRuns.SAMPLE_MASK) == 0;
                long t0 = sample ? System.nanoTime() : 0;
                store.put(Bytes.wrap(key(i)), data.value(random), windowStart(time(i)));
                if (i % COMMIT_EVERY == COMMIT_EVERY - 1) {
                    store.commit(Map.of(CHANGELOG, commitOffset++));
                }
                if (sample) {
                    hist.record(System.nanoTime() - t0);
                }
            }
            return to - from;
        });
        store.commit(Map.of(CHANGELOG, commitOffset++));
        return row(WindowWorkload.PUT.label(), WindowWorkload.PUT.unit(), runs, ProcessMeter.diskBytes(stateDir),
                writtenBefore < 0 ? -1 : ProcessMeter.writeBytes() - writtenBefore,
                settings.records() * (settings.keyBytes() + settings.valueBytes()));
    }

    private Measurement fetch(WindowStore<Bytes, byte[]> store) throws Exception {
        long n = settings.records();
        long[] found = new long[1];
        List<Run> runs = measured.timed(MeasuredRuns.EVERY_OP, i -> {
            long from = liveFrom(n) + random.nextLong(liveWindows(n)) * WINDOW.toMillis();
            long to = from + FETCH_WINDOWS * WINDOW.toMillis() - 1;
            try (WindowStoreIterator<byte[]> it = store.fetch(Bytes.wrap(key(random.nextLong(n))), from, to)) {
                while (it.hasNext()) {
                    it.next();
                    found[0]++;
                }
            }
            return 1;
        });
        if (found[0] == 0) {
            throw new IllegalStateException(kind.label() + ": fetch(key, from, to) found no window inside retention");
        }
        return row(WindowWorkload.FETCH.label(), WindowWorkload.FETCH.unit(), runs, ProcessMeter.diskBytes(stateDir), -1, -1);
    }

    private Measurement fetchAll(WindowStore<Bytes, byte[]> store) throws Exception {
        long n = settings.records();
        List<Run> runs = measured.timed(MeasuredRuns.EVERY_OP, i -> {
            long from = liveFrom(n) + random.nextLong(liveWindows(n)) * WINDOW.toMillis();
            long entries = 0;
            try (KeyValueIterator<Windowed<Bytes>, byte[]> it = store.fetchAll(from, from + WINDOW.toMillis() - 1)) {
                while (it.hasNext()) {
                    it.next();
                    entries++;
                }
            }
            if (entries == 0) {
                throw new IllegalStateException(kind.label() + ": fetchAll found no window at " + from);
            }
            return entries;
        });
        return row(WindowWorkload.FETCH_ALL.label(), WindowWorkload.FETCH_ALL.unit(), runs,
                ProcessMeter.diskBytes(stateDir), -1, -1);
    }

    private Measurement restore() throws Exception {
        Opened target = open("bench-window-restore");
        RecordBatchingStateRestoreCallback callback = StateRestoreCallbackAdapter.adapt(WindowBenchContext.restoreCallback(target.context()));
        long writtenBefore = ProcessMeter.writeBytes();
        // Each slice ends with a commit, as Kafka Streams commits a restored store, and a read of its last record,
        // so a store that applies records in the background is timed until they are applied.
        List<Run> runs = measured.slices(settings.records(), (from, to, hist) -> {
            for (long i = from; i < to; i += BATCH) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(BATCH);
                for (long j = i; j < Math.min(to, i + BATCH); j++) {
                    byte[] storeKey = WindowKeySchema.toStoreKeyBinary(Bytes.wrap(key(j)), windowStart(time(j)), 0).get();
                    batch.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, j, storeKey, data.value(random)));
                }
                long t0 = System.nanoTime();
                callback.restoreBatch(batch);
                hist.record((System.nanoTime() - t0) / batch.size());
            }
            target.store().commit(Map.of(CHANGELOG, to - 1));
            if (target.store().fetch(Bytes.wrap(key(to - 1)), windowStart(time(to - 1))) == null) {
                throw new IllegalStateException(kind.label() + ": the last restored window is missing");
            }
            return to - from;
        });
        Measurement row = row(WindowWorkload.RESTORE.label(), WindowWorkload.RESTORE.unit(), runs,
                ProcessMeter.diskBytes(stateDir), writtenBefore < 0 ? -1 : ProcessMeter.writeBytes() - writtenBefore,
                settings.records() * (settings.keyBytes() + settings.valueBytes()));
        target.store().close();
        StoreFiles.delete(stateDir, "bench-window-restore");
        return row;
    }

    /** Bytes on disk and open files after each retention period of puts: flat once retention starts dropping. */
    private List<Measurement> retention() {
        // Counted from here: the earlier stores are closed and every class is loaded, so what is added is the store's.
        long baselineFiles = OpenFiles.count();
        Opened opened = open("bench-window-retention");
        WindowStore<Bytes, byte[]> store = opened.store();
        long perPeriod = settings.records() / 2;
        List<Measurement> rows = new ArrayList<>();
        for (int p = 1; p <= PERIODS; p++) {
            long start = System.nanoTime();
            for (long i = (p - 1) * perPeriod; i < p * perPeriod; i++) {
                store.put(Bytes.wrap(key(i)), data.value(random), windowStart(time(i)));
                if (i % COMMIT_EVERY == COMMIT_EVERY - 1) {
                    store.commit(Map.of(CHANGELOG, commitOffset++));
                }
            }
            store.commit(Map.of(CHANGELOG, commitOffset++));
            double seconds = (System.nanoTime() - start) / 1e9;
            long disk = ProcessMeter.diskBytes(stateDir);
            long files = OpenFiles.count() - baselineFiles;
            rows.add(figure("window-retention-" + p + "-disk", "MB", disk / 1e6, disk));
            rows.add(figure("window-retention-" + p + "-files", "open files", files, disk));
            System.out.printf("[%s] retention period %d: %,.0f puts/s, %,d bytes on disk, %d open files%n", kind.label(), p,
                    perPeriod / seconds, disk, files);
        }
        store.close();
        return rows;
    }

    // ---------------------------------------------------------------- measuring

    private Measurement row(String workload, String unit, List<Run> runs, long disk, long written, long user) {
        return MeasuredRuns.row("window", kind, workload, unit, runs, disk, written, user, meter);
    }

    /** A single figure (not a rate) in the throughput column. */
    private Measurement figure(String workload, String unit, double value, long disk) {
        return new Measurement("window", kind, workload, unit, value, value, value, -1, -1, -1, disk, -1, -1,
                meter.peakHeapUsedBytes(), meter.peakHeapAfterGcBytes(), ProcessMeter.peakRssBytes());
    }
}
