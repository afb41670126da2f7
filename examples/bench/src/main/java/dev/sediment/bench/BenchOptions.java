package dev.sediment.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's command line. Every option has a default, so no argument runs the whole comparison at
 * the default size; {@code --quick} makes every part small enough for a check in about a minute.
 *
 * @param keys number of distinct keys of the store-layer workloads
 * @param keyBytes key size; keys are random bytes
 * @param valueBytes value size; the first half of each value is random, the second half repeats one byte
 * @param warmup unmeasured runs of each workload before the measured ones
 * @param runs measured runs of each workload; the reported throughput is their median
 * @param runSeconds the length of one run of a time-bounded workload (gets, scans, deletes, ...)
 * @param workloads store-layer workloads to run (names of {@link Workload}); all if empty
 * @param stores stores to compare (names of {@link StoreKind}); all if empty
 * @param endToEndRecords input records of the end-to-end part; 0 skips it
 * @param killFraction the end-to-end run is killed after this fraction of the input
 * @param jfrWorkload if set, only this workload runs, under Java Flight Recorder, for each chosen store
 * @param childHeap -Xmx of Sediment's and RocksDB's JVMs, e.g. "392m" ({@link StoreMemory})
 * @param inMemoryHeap -Xmx of the in-memory store's JVMs, which keep every record on the heap
 * @param out the results directory's parent
 * @param windowRecords records of the window-store part ({@link WindowWorkload}); 0 skips it
 * @param mixWriteRate the writer's pace in reads-while-writing, in puts per second; 0 writes flat out
 * @param jvmWarmupKeys keys of the scratch store each store-layer child runs every workload's code on before
 *     measuring, so the JIT compiles it first; 0 skips it
 */
public record BenchOptions(long keys, int keyBytes, int valueBytes, int warmup, int runs, double runSeconds,
        List<Workload> workloads, List<StoreKind> stores, long endToEndRecords, double killFraction,
        Workload jfrWorkload, String childHeap, String inMemoryHeap, Path out, List<String> commandLine,
        long windowRecords, long mixWriteRate, long jvmWarmupKeys) {

    /** The default pace of the writer in reads-while-writing: a busy stream thread's puts into one store. */
    static final long DEFAULT_MIX_WRITE_RATE = 50_000;

    static final String USAGE = """
            Usage: BenchMain [options]
              --keys N            distinct keys, default 1000000 (1M); --keys 10M for the large option
              --key-bytes N       default 16
              --value-bytes N     default 100 (half compressible)
              --warmup N          unmeasured runs per workload, default 1
              --runs N            measured runs per workload (median reported), default 3
              --run-seconds S     length of one timed run, default 1.0
              --workloads a,b     store workloads, default all: %s
              --stores a,b        default all: %s
              --e2e-records N     end-to-end input records, default 2M; 0 skips the end-to-end part
              --kill-fraction F   end to end: SIGKILL after this fraction of the input, default 0.5
              --window-records N  window-store part: records put and restored, default 1M; 0 skips it
              --mix-write-rate N  reads while writing: the writer's puts per second, default 50K, the
                                  same for every store so readers are compared under one write load;
                                  0 writes flat out
              --jvm-warmup-keys N before measuring, each store's JVM runs every workload's code on a
                                  scratch store of N keys (then deletes it), so the JIT compiles the
                                  engine first, as JMH warms up; default 300K, 0 skips it
              --jfr WORKLOAD      run only this workload (after fill, or after --workloads), under JFR,
                                  and print the hottest methods
              --child-heap SIZE   -Xmx of Sediment's and RocksDB's JVMs, default %s: the README's
                                  recommendation for Sediment's budget in the benchmark, Kafka's default
                                  RocksDB memory per store (50 MiB block cache + 3 x 16 MiB memtables)
              --in-memory-heap SIZE  -Xmx of the in-memory store's JVMs, default 1g (2g from 4M keys, 8g from 20M)
              --out DIR           default examples/bench/target/bench-results
              --quick             --keys 200K --runs 2 --run-seconds 0.5 --e2e-records 200K --window-records 100K
              --kafka44-transactional  instead: Kafka 4.4's transactional stores end to end (-Dkafka.line=4.4);
                                  --kafka44-transactional --help lists its options
            """;

    /**
     * Reads {@code --name value} and {@code --name=value} options into a map by name (without the dashes); a
     * {@code switches} argument takes no value and maps to "". {@code --help}/{@code -h} and anything else
     * throw {@link IllegalArgumentException}, whose message the caller prints with its usage.
     */
    static Map<String, String> options(String[] args, String... switches) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (Arrays.asList(switches).contains(arg)) {
                values.put(arg.substring(2), "");
            } else if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException("help");
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                if (eq > 0) {
                    values.put(arg.substring(2, eq), arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    values.put(arg.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("option " + arg + " needs a value");
                }
            } else {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
        }
        return values;
    }

    public static BenchOptions parse(String... args) {
        Map<String, String> values = options(args, "--quick");
        boolean quick = values.remove("quick") != null;
        long keys = count(values.remove("keys"), quick ? 200_000 : 1_000_000);
        String heap = values.remove("child-heap");
        String inMemoryHeap = values.remove("in-memory-heap");
        BenchOptions options = new BenchOptions(
                keys,
                (int) count(values.remove("key-bytes"), 16),
                (int) count(values.remove("value-bytes"), 100),
                (int) count(values.remove("warmup"), 1),
                (int) count(values.remove("runs"), quick ? 2 : 3),
                Double.parseDouble(values.getOrDefault("run-seconds", quick ? "0.5" : "1.0")),
                names(values.remove("workloads"), Workload.class),
                names(values.remove("stores"), StoreKind.class),
                count(values.remove("e2e-records"), quick ? 200_000 : 2_000_000),
                Double.parseDouble(values.getOrDefault("kill-fraction", "0.5")),
                values.containsKey("jfr") ? Workload.parse(values.remove("jfr")) : null,
                heap != null ? heap : StoreMemory.RECOMMENDED_HEAP,
                inMemoryHeap != null ? inMemoryHeap : StoreMemory.inMemoryHeap(keys),
                Path.of(values.getOrDefault("out", System.getProperty("bench.out", "target/bench-results"))),
                List.of(args),
                count(values.remove("window-records"), quick ? 100_000 : 1_000_000),
                count(values.remove("mix-write-rate"), DEFAULT_MIX_WRITE_RATE),
                count(values.remove("jvm-warmup-keys"), quick ? 100_000 : 300_000));
        values.remove("run-seconds");
        values.remove("kill-fraction");
        values.remove("out");
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + values.keySet());
        }
        if (options.keyBytes < 8 || options.valueBytes < 8 || options.runs < 1 || options.keys < 1000) {
            throw new IllegalArgumentException("--key-bytes and --value-bytes need at least 8, --runs 1, --keys 1000");
        }
        if (options.mixWriteRate < 0) {
            throw new IllegalArgumentException("--mix-write-rate needs 0 (flat out) or more puts per second");
        }
        return options;
    }

    /** The workloads to run, in their declared order. */
    public List<Workload> selectedWorkloads() {
        if (jfrWorkload != null) {
            // The profiled workload alone (the child fills the store first), or after the given ones, to
            // profile it in the state they leave (e.g. compaction debt after overwrites).
            List<Workload> list = new ArrayList<>(workloads);
            if (!list.contains(jfrWorkload)) {
                list.add(jfrWorkload);
            }
            return list;
        }
        return workloads.isEmpty() ? List.of(Workload.values()) : workloads;
    }

    /** The -Xmx of a child JVM running {@code store}. */
    public String heap(StoreKind store) {
        return store == StoreKind.IN_MEMORY ? inMemoryHeap : childHeap;
    }

    public List<StoreKind> selectedStores() {
        return stores.isEmpty() ? List.of(StoreKind.values()) : stores;
    }

    /** The options as child JVM arguments (the store-layer part only). */
    List<String> childArgs() {
        // Under JFR the runs are 4 times longer, for enough samples.
        List<String> args = new ArrayList<>(List.of("--keys", Long.toString(keys), "--key-bytes", Integer.toString(keyBytes),
                "--value-bytes", Integer.toString(valueBytes), "--warmup", Integer.toString(warmup),
                "--runs", Integer.toString(runs),
                "--run-seconds", Double.toString(jfrWorkload == null ? runSeconds : runSeconds * 4),
                "--mix-write-rate", Long.toString(mixWriteRate), "--jvm-warmup-keys", Long.toString(jvmWarmupKeys)));
        List<String> names = selectedWorkloads().stream().map(Workload::label).toList();
        args.addAll(List.of("--workloads", String.join(",", names)));
        if (jfrWorkload != null) {
            args.addAll(List.of("--jfr", jfrWorkload.label()));
        }
        return args;
    }

    /** "1M", "10M", "200K", "1000000" or "1_000_000". */
    static long count(String text, long defaultValue) {
        if (text == null) {
            return defaultValue;
        }
        String t = text.trim().toUpperCase(Locale.ROOT).replace("_", "");
        long factor = 1;
        if (t.endsWith("K")) {
            factor = 1_000;
        } else if (t.endsWith("M")) {
            factor = 1_000_000;
        } else if (t.endsWith("G")) {
            factor = 1_000_000_000;
        }
        if (factor != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.round(Double.parseDouble(t) * factor);
    }

    private static <E extends Enum<E>> List<E> names(String text, Class<E> type) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<E> result = new ArrayList<>();
        for (String name : text.split(",")) {
            if (type == Workload.class) {
                result.add(type.cast(Workload.parse(name)));
            } else {
                result.add(Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
        }
        return result;
    }

    static String usage() {
        return USAGE.formatted(String.join(",", Arrays.stream(Workload.values()).map(Workload::label).toList()),
                String.join(",", Arrays.stream(StoreKind.values()).map(StoreKind::label).toList()),
                StoreMemory.RECOMMENDED_HEAP);
    }
}
