package dev.sediment.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The memory every child JVM of the comparison runs with (issue 18: Sediment and RocksDB at the same
 * configured cache and memtable memory and the same {@code -Xmx}).
 *
 * <ul>
 * <li>Sediment's budget is what Kafka Streams 4.3.1's default RocksDB config gives one store: a 50 MiB block
 *     cache and three 16 MiB write buffers (RocksDBStore's defaults; its index and filter blocks live outside
 *     that cache). So {@code sediment.memory.bytes} is 98 MiB, 50 MiB of it block cache. RocksDB's figure is per
 *     store and the benchmark has up to two stores open at once; Sediment's is for every store of the JVM.</li>
 * <li>{@code -Xmx} is the README's recommendation for that budget, four times it (the default budget is a quarter
 *     of the heap): 392 MiB, for Sediment and RocksDB alike. Kafka's in-memory store keeps every record on the
 *     heap and needs more: 1 GiB at 1M keys.</li>
 * </ul>
 */
final class StoreMemory {
    static final long BLOCK_CACHE_BYTES = 50L << 20;
    static final long MEMTABLE_BYTES = 3 * (16L << 20);
    static final long SEDIMENT_BUDGET_BYTES = BLOCK_CACHE_BYTES + MEMTABLE_BYTES;
    /** The README's -Xmx for a budget: four times it, in MiB. */
    static final String RECOMMENDED_HEAP = (4 * SEDIMENT_BUDGET_BYTES >> 20) + "m";

    private StoreMemory() {
    }

    /** The in-memory store's heap at a key count: it holds every record. */
    static String inMemoryHeap(long keys) {
        return keys >= 20_000_000 ? "8g" : keys >= 4_000_000 ? "2g" : "1g";
    }

    /** The JVM options of a child running {@code store}: its -Xmx, G1, and Sediment's budget. */
    static List<String> jvmOptions(BenchOptions options, StoreKind store) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.heap(store), "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (store == StoreKind.SEDIMENT) {
            jvm.add("-Dsediment.memory.bytes=" + SEDIMENT_BUDGET_BYTES);
            jvm.add("-Dsediment.block.cache.fraction=" + (double) BLOCK_CACHE_BYTES / SEDIMENT_BUDGET_BYTES);
        }
        return jvm;
    }

    /**
     * The {@code sediment.*} system properties of this JVM, as store configs: the budget {@link #jvmOptions} gives
     * a child, or a setting to try (e.g. {@code JAVA_TOOL_OPTIONS=-Dsediment.restore.run.bytes=...}).
     */
    static Properties sedimentSettings() {
        Properties props = new Properties();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("sediment.")) {
                props.put(k, v);
            }
        });
        return props;
    }
}
