package dev.sediment.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@link TransactionalBench} ({@code BenchMain --kafka44-transactional ...}).
 *
 * @param records input records (over as many possible keys)
 * @param keyBytes key size
 * @param valueBytes value size: large by default, so that a run holds more than the largest transaction
 * @param killFraction the crash scenario is SIGKILLed after this fraction of the input
 * @param transactionBytes the transaction sizes to measure ({@code statestore.uncommitted.max.bytes})
 * @param peers the stores compared
 * @param childHeap -Xmx of each application JVM
 * @param out the results directory's parent
 * @param commandLine the arguments as given, for the report
 */
public record TransactionalBenchOptions(long records, int keyBytes, int valueBytes, double killFraction,
        List<Long> transactionBytes, List<TransactionalPeer> peers, String childHeap, Path out,
        List<String> commandLine) {

    /** The flag of {@link BenchMain} that selects this benchmark. */
    static final String FLAG = "--kafka44-transactional";

    static final String USAGE = """
            Usage: BenchMain --kafka44-transactional [options]   (built with -Dkafka.line=4.4)
              --records N          input records, default 1.5M (1.5 GB with the default values)
              --key-bytes N        default 16
              --value-bytes N      default 1000
              --kill-fraction F    crash scenario: SIGKILL after this fraction of the input, default 0.5
              --transactions a,b   transaction sizes (statestore.uncommitted.max.bytes), default 64MB,1GB
              --peers a,b          default all: %s
              --child-heap SIZE    -Xmx of each application JVM, default 1g
              --out DIR            default examples/bench/target/bench-results
            """;

    public static TransactionalBenchOptions parse(String... args) {
        Map<String, String> values = BenchOptions.options(args, FLAG);
        values.remove(FLAG.substring(2));
        TransactionalBenchOptions options = new TransactionalBenchOptions(
                BenchOptions.count(values.remove("records"), 1_500_000),
                (int) BenchOptions.count(values.remove("key-bytes"), 16),
                (int) BenchOptions.count(values.remove("value-bytes"), 1000),
                Double.parseDouble(orDefault(values.remove("kill-fraction"), "0.5")),
                sizes(orDefault(values.remove("transactions"), "64MB,1GB")),
                peers(values.remove("peers")),
                orDefault(values.remove("child-heap"), "1g"),
                Path.of(orDefault(values.remove("out"), System.getProperty("bench.out", "target/bench-results"))),
                List.of(args));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + values.keySet());
        }
        if (options.records < 1000 || options.keyBytes < 8 || options.valueBytes < 8
                || !(options.killFraction > 0 && options.killFraction < 1)) {
            throw new IllegalArgumentException(
                    "--records needs at least 1000, --key-bytes and --value-bytes 8, --kill-fraction between 0 and 1");
        }
        return options;
    }

    /** Bytes a record adds to a store: key, value and Kafka's 8-byte timestamp prefix. */
    long recordStoreBytes() {
        return keyBytes + valueBytes + 8L;
    }

    /** "64MB", "1GB", "512KB" or a plain byte count; binary units, as Kafka's 64 MB default (67108864). */
    static long bytes(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("_", "");
        long factor = 1;
        for (String[] unit : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (t.endsWith(unit[0])) {
                factor = Long.parseLong(unit[1]);
                t = t.substring(0, t.length() - unit[0].length());
                break;
            }
        }
        long value = Math.round(Double.parseDouble(t) * factor);
        if (value <= 0) {
            throw new IllegalArgumentException("a transaction size must be positive: " + text);
        }
        return value;
    }

    /** "64 MB", "1 GB". */
    static String label(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GB";
        }
        if (bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + " MB";
        }
        return bytes + " B";
    }

    private static List<Long> sizes(String text) {
        List<Long> result = new ArrayList<>();
        for (String size : text.split(",")) {
            result.add(bytes(size));
        }
        return List.copyOf(result);
    }

    private static List<TransactionalPeer> peers(String text) {
        if (text == null || text.isBlank()) {
            return List.of(TransactionalPeer.values());
        }
        List<TransactionalPeer> result = new ArrayList<>();
        for (String name : text.split(",")) {
            result.add(TransactionalPeer.parse(name));
        }
        return List.copyOf(result);
    }

    private static String orDefault(String value, String defaultValue) {
        return value != null ? value : defaultValue;
    }

    static String usage() {
        return USAGE.formatted(String.join(",", Arrays.stream(TransactionalPeer.values()).map(TransactionalPeer::label).toList()));
    }
}
