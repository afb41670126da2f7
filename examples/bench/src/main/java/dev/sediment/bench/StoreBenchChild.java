package dev.sediment.bench;

import dev.sediment.bench.MeasuredRuns.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.internals.StateRestoreCallbackAdapter;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The store-layer workloads on one store, run in a JVM of its own so that its heap, RSS and disk
 * writes are the store's alone. Arguments: store, state directory, results file, [--jfr file], then the
 * {@link BenchOptions} of the store-layer part. Appends one {@link Measurement} CSV line per workload to
 * the results file and prints progress.
 */
public final class StoreBenchChild {
    private static final int BATCH = 1000;
    private static final int SCAN_NEXTS = 100;
    /** Writes between two commits of the commit workload. */
    private static final int COMMIT_WRITES = 10;
    private static final long MAX_OVERWRITES = 4_000_000;
    private static final long WARMUP_SCAN_NANOS = 3_000_000_000L;
    private static final long MAX_COMMITS = 200_000;
    private static final TopicPartition CHANGELOG = new TopicPartition("bench-restore-changelog", 0);

    private final StoreKind kind;
    private final Path stateDir;
    private final Path resultsFile;
    private final Path jfrFile;
    private final BenchOptions options;
    private final BenchData data;
    private final ProcessMeter meter = new ProcessMeter();
    private final SplittableRandom random = new SplittableRandom(42);
    private final MeasuredRuns measured;
    private long commitOffset;
    private long deleted;

    private StoreBenchChild(StoreKind kind, Path stateDir, Path resultsFile, Path jfrFile, BenchOptions options) {
        this.kind = kind;
        this.stateDir = stateDir;
        this.resultsFile = resultsFile;
        this.jfrFile = jfrFile;
        this.options = options;
        this.data = new BenchData(options.keyBytes(), options.valueBytes());
        this.measured = new MeasuredRuns(options.warmup(), options.runs(), options.runSeconds());
    }

    public static void main(String[] args) throws Exception {
        StoreKind kind = StoreKind.valueOf(args[0]);
        Path stateDir = Path.of(args[1]);
        Path results = Path.of(args[2]);
        int rest = 3;
        Path jfr = null;
        if (args.length > 4 && args[3].equals("--jfr-file")) {
            jfr = Path.of(args[4]);
            rest = 5;
        }
        BenchOptions options = BenchOptions.parse(Arrays.copyOfRange(args, rest, args.length));
        new StoreBenchChild(kind, stateDir, results, jfr, options).run();
        System.out.println("STORE BENCH DONE");
        System.exit(0); // stores' background threads must not keep the JVM
    }

    /** A store and the context it was initialized with. */
    private record Opened(KeyValueStore<Bytes, byte[]> store, BenchStoreContext context) {
    }

    private Opened open(String name) {
        BenchStoreContext context = new BenchStoreContext(stateDir.toFile(), StoreMemory.sedimentSettings());
        KeyValueStore<Bytes, byte[]> store = kind.supplier(name).get();
        store.init(context, store);
        return new Opened(store, context);
    }

    private void run() throws Exception {
        List<Workload> workloads = new ArrayList<>(options.selectedWorkloads());
        Workload profiled = jfrFile == null ? null : options.jfrWorkload();
        if (profiled != null && !workloads.contains(Workload.FILL)) {
            workloads.add(0, Workload.FILL); // every other workload reads or changes a filled store
        }
        if (options.jvmWarmupKeys() > 0) {
            warmUpJvm(options.jvmWarmupKeys());
        }
        Opened main = open("bench");
        EngineProbe probe = EngineProbe.of(main.store());
        for (Workload workload : workloads) {
            if (workload == Workload.MIX_WRITE && workloads.contains(Workload.MIX_READ)) {
                continue;
            }
            Recording recording = null;
            if (workload == profiled) {
                recording = new Recording(Configuration.getConfiguration("profile"));
                recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
                recording.start();
            }
            long start = System.nanoTime();
            System.out.printf("[%s] %s ...%n", kind.label(), workload.label());
            EngineProbe.Mark before = probe == null ? null : probe.mark();
            if (before != null) {
                System.out.printf("[%s] %s starts at: %s%n", kind.label(), workload.label(), EngineProbe.shape(before));
            }
            List<Measurement> rows;
            try {
                rows = runWorkload(workload, main.store());
            } catch (RuntimeException e) {
                // One failing workload (a store's bug) must not cost the other figures.
                System.out.printf("[%s] %s FAILED: %s%n", kind.label(), workload.label(), e);
                e.printStackTrace(System.out);
                written = -1;
                continue;
            }
            if (before != null) {
                EngineProbe.Mark after = probe.mark();
                System.out.printf("[%s] %s during: %s%n", kind.label(), workload.label(), EngineProbe.during(before, after));
                System.out.printf("[%s] %s ends at: %s%n", kind.label(), workload.label(), EngineProbe.shape(after));
            }
            for (Measurement row : rows) {
                System.out.printf("[%s] %-13s %,14.0f %-9s p50 %,8d ns  p99 %,9d ns  disk %,d MB  (%.1f s)%n",
                        kind.label(), row.workload(), row.throughput(), row.unit(), row.p50Nanos(), row.p99Nanos(),
                        row.diskBytes() >> 20, (System.nanoTime() - start) / 1e9);
                row.appendTo(resultsFile);
            }
            if (recording != null) {
                recording.stop();
                recording.dump(jfrFile);
                recording.close();
                System.out.println("JFR " + jfrFile);
            }
        }
        main.store().close();
        meter.close();
    }

    /**
     * Runs every code path the workloads use on a scratch store of {@code keys} keys, then deletes it, so that
     * the JIT compiles them before anything is measured rather than while the first workloads run.
     */
    private void warmUpJvm(long keys) throws Exception {
        long start = System.nanoTime();
        SplittableRandom r = new SplittableRandom(7);
        Opened scratch = open("bench-jvm-warmup");
        KeyValueStore<Bytes, byte[]> store = scratch.store();
        for (long i = 0; i < keys; i++) {
            store.put(Bytes.wrap(data.key(i)), data.value(r));
        }
        for (long i = 0; i < 2 * keys; i++) {
            store.put(Bytes.wrap(data.key(r.nextLong(keys))), data.value(r));
        }
        for (long i = 0; i < keys; i += BATCH) {
            List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(BATCH);
            for (long j = i; j < Math.min(keys, i + BATCH); j++) {
                batch.add(KeyValue.pair(Bytes.wrap(data.missingKey(j)), data.value(r)));
            }
            store.putAll(batch);
        }
        for (long i = 0; i < keys / 2; i++) {
            store.get(Bytes.wrap(data.key(r.nextLong(keys))));
            store.get(Bytes.wrap(data.missingKey(keys + r.nextLong(keys))));
        }
        BytesSerializer serializer = new BytesSerializer();
        // Bounded in time too: Kafka's in-memory store copies the rest of its map per range (about 10 a second).
        long scansUntil = System.nanoTime() + WARMUP_SCAN_NANOS;
        for (int i = 0; i < 2_000 && System.nanoTime() < scansUntil; i++) {
            Bytes from = Bytes.wrap(data.key(r.nextLong(keys)));
            try (KeyValueIterator<Bytes, byte[]> it = i % 2 == 0 ? store.range(from, null) : store.reverseRange(null, from)) {
                for (int k = 0; k < SCAN_NEXTS && it.hasNext(); k++) {
                    it.next();
                }
            }
            try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(Bytes.wrap(Arrays.copyOf(from.get(), 3)), serializer)) {
                while (it.hasNext()) {
                    it.next();
                }
            }
        }
        for (long i = 0; i < keys / 10; i++) {
            store.put(Bytes.wrap(data.key(r.nextLong(keys))), data.value(r));
            if (i % COMMIT_WRITES == 0) {
                commit(store);
            }
        }
        for (long i = 0; i < keys / 4; i++) {
            store.delete(Bytes.wrap(data.key(i)));
        }
        commit(store);
        store.close();
        StoreFiles.delete(stateDir, "bench-jvm-warmup");
        Opened restored = open("bench-jvm-warmup-restore");
        RecordBatchingStateRestoreCallback callback =
                StateRestoreCallbackAdapter.adapt(restored.context().restoreCallback());
        for (long i = 0; i < keys; i += BATCH) {
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(BATCH);
            for (long j = i; j < Math.min(keys, i + BATCH); j++) {
                batch.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, j, data.key(j), data.value(r)));
            }
            callback.restoreBatch(batch);
        }
        restored.store().commit(Map.of(CHANGELOG, keys - 1));
        restored.store().close();
        StoreFiles.delete(stateDir, "bench-jvm-warmup-restore");
        System.out.printf("[%s] JVM warm-up on %,d scratch keys (%.1f s)%n", kind.label(), keys,
                (System.nanoTime() - start) / 1e9);
    }

    private List<Measurement> runWorkload(Workload workload, KeyValueStore<Bytes, byte[]> store) throws Exception {
        long n = options.keys();
        long userBytesBefore = userBytes;
        long writtenBefore = ProcessMeter.writeBytes();
        List<Run> runs = new ArrayList<>();
        List<Run> second = new ArrayList<>();
        switch (workload) {
            case FILL -> runs = measured.slices(n, (from, to, hist) -> {
                for (long i = from; i < to; i++) {
                    boolean sample = (i & MeasuredRuns.SAMPLE_MASK) == 0;
                    long t0 = sample ? System.nanoTime() : 0;
                    store.put(Bytes.wrap(data.key(i)), data.value(random));
                    if (sample) {
                        hist.record(System.nanoTime() - t0);
                    }
                }
                userBytes += (to - from) * data.recordBytes();
                return to - from;
            });
            case PUT_ALL -> {
                Opened other = open("bench-putall");
                runs = measured.slices(n, (from, to, hist) -> {
                    for (long i = from; i < to; i += BATCH) {
                        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(BATCH);
                        for (long j = i; j < Math.min(to, i + BATCH); j++) {
                            batch.add(KeyValue.pair(Bytes.wrap(data.key(j)), data.value(random)));
                        }
                        long t0 = System.nanoTime();
                        other.store().putAll(batch);
                        hist.record((System.nanoTime() - t0) / batch.size()); // per record, as throughput
                    }
                    userBytes += (to - from) * data.recordBytes();
                    return to - from;
                });
                commit(other.store());
                written = ProcessMeter.writeBytes();
                other.store().close();
                StoreFiles.delete(stateDir, "bench-putall");
            }
            case OVERWRITE -> runs = measured.slices(overwrites(n), (from, to, hist) -> {
                for (long i = from; i < to; i++) {
                    boolean sample = (i & MeasuredRuns.SAMPLE_MASK) == 0;
                    long t0 = sample ? System.nanoTime() : 0;
                    store.put(Bytes.wrap(data.key(random.nextLong(n))), data.value(random));
                    if (sample) {
                        hist.record(System.nanoTime() - t0);
                    }
                }
                userBytes += (to - from) * data.recordBytes();
                return to - from;
            });
            case GET -> runs = measured.timed(MeasuredRuns.SAMPLE_MASK, i -> {
                if (store.get(Bytes.wrap(data.key(random.nextLong(deleted, n)))) == null) {
                    throw new IllegalStateException("a key put is missing");
                }
                return 1;
            });
            case MISSING_GET -> runs = measured.timed(MeasuredRuns.SAMPLE_MASK, i -> {
                if (store.get(Bytes.wrap(data.missingKey(random.nextLong(n)))) != null) {
                    throw new IllegalStateException("a key never put is present");
                }
                return 1;
            });
            case SEEK_FORWARD -> runs = measured.timed(MeasuredRuns.EVERY_OP, i -> {
                try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(data.key(random.nextLong(n))), null)) {
                    for (int k = 0; k < SCAN_NEXTS && it.hasNext(); k++) {
                        it.next();
                    }
                }
                return 1;
            });
            case SEEK_REVERSE -> runs = measured.timed(MeasuredRuns.EVERY_OP, i -> {
                try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(null, Bytes.wrap(data.key(random.nextLong(n))))) {
                    for (int k = 0; k < SCAN_NEXTS && it.hasNext(); k++) {
                        it.next();
                    }
                }
                return 1;
            });
            case PREFIX_SCAN -> {
                BytesSerializer serializer = new BytesSerializer();
                runs = measured.timed(MeasuredRuns.EVERY_OP, i -> {
                    byte[] prefix = Arrays.copyOf(data.key(random.nextLong(n)), 2);
                    if (prefix[0] == (byte) 0xFF && prefix[1] == (byte) 0xFF) {
                        prefix[1] = (byte) 0xFE; // Kafka's in-memory store throws on an all-0xFF prefix
                    }
                    try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(Bytes.wrap(prefix), serializer)) {
                        while (it.hasNext()) {
                            it.next();
                        }
                    }
                    return 1;
                });
            }
            case FULL_SCAN -> runs = measured.timed(measured.count(), 1, MeasuredRuns.SAMPLE_MASK, i -> {
                long entries = 0;
                try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                    while (it.hasNext()) {
                        it.next();
                        entries++;
                    }
                }
                return entries;
            });
            case MIX_READ, MIX_WRITE -> {
                for (int r = 0; r < measured.count(); r++) {
                    Run[] pair = mixRun(store);
                    if (measured.measured(r)) {
                        runs.add(pair[0]);
                        second.add(pair[1]);
                    }
                }
            }
            case RESTORE -> {
                Opened target = open("bench-restore");
                RecordBatchingStateRestoreCallback callback =
                        StateRestoreCallbackAdapter.adapt(target.context().restoreCallback());
                // Each slice ends with a commit, as Kafka Streams commits a restored store, and a read of its
                // last key, so a store that applies records or commits in the background is timed until done.
                runs = measured.slices(n, (from, to, hist) -> {
                    for (long i = from; i < to; i += BATCH) {
                        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(BATCH);
                        for (long j = i; j < Math.min(to, i + BATCH); j++) {
                            batch.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, j, data.key(j), data.value(random)));
                        }
                        long t0 = System.nanoTime();
                        callback.restoreBatch(batch);
                        hist.record((System.nanoTime() - t0) / batch.size());
                    }
                    target.store().commit(Map.of(CHANGELOG, to - 1));
                    if (target.store().get(Bytes.wrap(data.key(to - 1))) == null) {
                        throw new IllegalStateException("the last restored key is missing");
                    }
                    userBytes += (to - from) * data.recordBytes();
                    return to - from;
                });
                written = ProcessMeter.writeBytes();
                target.store().close();
                StoreFiles.delete(stateDir, "bench-restore");
            }
            case COMMIT -> runs = measured.slices(commits(n), (from, to, hist) -> {
                for (long i = from; i < to; i++) {
                    long t0 = System.nanoTime();
                    for (int k = 0; k < COMMIT_WRITES; k++) {
                        store.put(Bytes.wrap(data.key(random.nextLong(deleted, n))), data.value(random));
                    }
                    commit(store);
                    hist.record(System.nanoTime() - t0);
                }
                userBytes += (to - from) * COMMIT_WRITES * data.recordBytes();
                return to - from;
            });
            case DELETE -> runs = measured.timed(measured.count(), n / measured.count(), MeasuredRuns.SAMPLE_MASK, i -> {
                store.delete(Bytes.wrap(data.key(deleted++)));
                userBytes += options.keyBytes();
                return 1;
            });
        }
        if (written < 0) {
            commit(store);
            written = ProcessMeter.writeBytes();
        }
        long writtenBytes = writtenBefore < 0 ? -1 : written - writtenBefore;
        written = -1;
        long disk = ProcessMeter.diskBytes(stateDir);
        long user = userBytes - userBytesBefore;
        List<Measurement> rows = new ArrayList<>();
        rows.add(row(workload == Workload.MIX_WRITE ? Workload.MIX_READ : workload, runs, disk, writtenBytes, user));
        if (!second.isEmpty()) {
            rows.add(row(Workload.MIX_WRITE, second, disk, writtenBytes, user));
        }
        return rows;
    }

    private long userBytes;
    private long written = -1;

    /**
     * Overwrites in the overwrite workload: two per key, at most {@value #MAX_OVERWRITES}. A count, not a time, so
     * that every store is handed the same bytes and its bytes written compare as they are.
     */
    static long overwrites(long keys) {
        return Math.min(2 * keys, MAX_OVERWRITES);
    }

    /** Commits in the commit workload: one per 10 keys, at most {@value #MAX_COMMITS}; a count, as for overwrites. */
    static long commits(long keys) {
        return Math.min(keys / 10, MAX_COMMITS);
    }

    private Measurement row(Workload workload, List<Run> runs, long disk, long writtenBytes, long user) {
        return MeasuredRuns.row("store", kind, workload.label(), workload.unit(), runs, disk, writtenBytes, user, meter);
    }

    private void commit(KeyValueStore<Bytes, byte[]> store) {
        store.commit(Map.of(CHANGELOG, commitOffset++));
    }

    /**
     * A reader thread (interactive queries) doing gets while this thread overwrites, for runSeconds, at
     * {@code mixWriteRate} puts per second if set (every store gets the same write load; a store that falls
     * behind the pace shows it in its write rate).
     */
    private Run[] mixRun(KeyValueStore<Bytes, byte[]> store) throws Exception {
        long n = options.keys();
        AtomicBoolean stop = new AtomicBoolean();
        LatencyHistogram readHist = new LatencyHistogram();
        long[] reads = new long[1];
        long lowest = deleted;
        Thread reader = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(7);
            long i = 0;
            while (!stop.get()) {
                boolean sample = (i & MeasuredRuns.SAMPLE_MASK) == 0;
                long t0 = sample ? System.nanoTime() : 0;
                store.get(Bytes.wrap(data.key(r.nextLong(lowest, n))));
                if (sample) {
                    readHist.record(System.nanoTime() - t0);
                }
                i++;
            }
            reads[0] = i;
        }, "bench-iq-reader");
        LatencyHistogram writeHist = new LatencyHistogram();
        long start = System.nanoTime();
        reader.start();
        long deadline = start + (long) (options.runSeconds() * 1e9);
        double nanosPerWrite = options.mixWriteRate() > 0 ? 1e9 / options.mixWriteRate() : 0;
        long writes = 0;
        while (true) {
            if (nanosPerWrite > 0) {
                // Paced like a stream thread fed at a steady rate: wait for the next put's due time (a park
                // oversleeps by tens of microseconds; the puts after it catch up, so the mean rate holds).
                long early = start + (long) (writes * nanosPerWrite) - System.nanoTime();
                if (early > 0) {
                    LockSupport.parkNanos(early);
                }
            }
            boolean sample = (writes & MeasuredRuns.SAMPLE_MASK) == 0;
            long t0 = sample ? System.nanoTime() : 0;
            store.put(Bytes.wrap(data.key(random.nextLong(n))), data.value(random));
            writes++;
            if (sample) {
                long t1 = System.nanoTime();
                writeHist.record(t1 - t0);
                if (t1 > deadline) {
                    break;
                }
            }
        }
        stop.set(true);
        reader.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        userBytes += writes * data.recordBytes();
        return new Run[] {new Run(reads[0] / seconds, readHist), new Run(writes / seconds, writeHist)};
    }
}
