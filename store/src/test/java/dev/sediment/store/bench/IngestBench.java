package dev.sediment.store.bench;

import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Restore-shaped loading, the two engine paths side by side: N records in batches through
 * {@code write} (memtable, background flushes) versus gathered runs through {@code ingest} (straight to
 * tables). Prints wall time and process CPU time per path. Arguments: records (default 2,000,000).
 */
public final class IngestBench {
    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        for (int round = 0; round < 3; round++) {
            run("write ", n, false);
            run("ingest", n, true);
        }
    }

    private static void run(String name, int n, boolean ingest) throws Exception {
        Path dir = Files.createTempDirectory("ingest-bench");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Random rnd = new Random(42);
        StoreOptions options = StoreOptions.builder().memtableSizeBytes(8 << 20).build();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (Store store = Store.open(dir, options)) {
            int runRecords = ingest ? 60_000 : 1_000; // a memtable-sized run vs. a changelog poll batch
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < n; i++) {
                byte[] key = new byte[16];
                rnd.nextBytes(key);
                byte[] value = new byte[100];
                rnd.nextBytes(value);
                batch.put(key, value);
                if (batch.size() == runRecords) {
                    if (ingest) {
                        store.ingest(batch);
                    } else {
                        store.write(batch);
                    }
                    batch = new WriteBatch();
                }
            }
            if (!batch.isEmpty()) {
                store.write(batch);
            }
            store.flush();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("%s %,d records: %.2f s wall (%,.0f records/s), %.2f s CPU (%.2f µs CPU per record)%n",
                name, n, wall / 1e9, n / (wall / 1e9), cpu / 1e9, cpu / 1e3 / n);
    }
}
