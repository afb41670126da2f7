package dev.sediment.store.bench;

import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.WriteBatch;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Restore-shaped loading, the two engine paths side by side: N random records in batches of 1,000
 * through {@code write} (memtable, background flushes), as a changelog's puts arrive, versus gathered runs
 * through {@code ingest} (straight to tables). The records are made before the clock starts. Prints, per
 * path, the time until the last call returns and the time and whole-process CPU until the tree is fully
 * compacted (compaction settled, then a full manual compaction), so background and deferred work count.
 * Arguments: records (default 2,000,000), run MiB for ingest (default 32).
 */
public final class IngestBench {
    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 100;

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        long runBytes = (args.length > 1 ? Long.parseLong(args[1]) : 32) << 20;
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        Random rnd = new Random(42);
        for (int i = 0; i < n; i++) {
            keys[i] = new byte[KEY_BYTES];
            rnd.nextBytes(keys[i]);
            values[i] = new byte[VALUE_BYTES];
            for (int b = 0; b < VALUE_BYTES / 2; b++) { // half compressible, like the side-by-side bench
                values[i][b] = (byte) rnd.nextInt();
            }
        }
        for (int round = 0; round < 3; round++) {
            run("write ", keys, values, -1);
            run("ingest", keys, values, runBytes);
        }
    }

    private static void run(String name, byte[][] keys, byte[][] values, long runBytes) throws Exception {
        Path dir = Files.createTempDirectory("ingest-bench");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int n = keys.length;
        StoreOptions options = StoreOptions.builder().memtableSizeBytes(8 << 20).build();
        System.gc();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long foreground;
        StoreStats settled;
        try (Store store = Store.open(dir, options)) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < n; i++) {
                batch.put(keys[i], values[i]);
                boolean full = runBytes < 0 ? batch.size() == 1_000 : batch.approximateBytes() >= runBytes;
                if (full) {
                    if (runBytes < 0) {
                        store.write(batch);
                    } else {
                        store.ingest(batch);
                    }
                    batch = new WriteBatch();
                }
            }
            store.ingest(batch);
            store.flush();
            foreground = System.nanoTime() - t0;
            awaitSettled(store);
            store.compactRange(null, null); // both end fully compacted, so deferred work is counted too
            settled = store.stats();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("%s %,d records: %,.0f records/s until the last call returned; fully compacted after %.2f s "
                        + "wall, %.2f s CPU (%.2f µs CPU per record); %d compactions, %,d MB compacted, levels %s%n",
                name, n, n / (foreground / 1e9), wall / 1e9, cpu / 1e9, cpu / 1e3 / n, settled.compactions().count(),
                settled.compactions().bytesWritten() >> 20, settled.tables().levels());
        deleteTree(dir);
    }

    /** Nothing pending and L0 below its trigger, twice 300 ms apart (a compaction may be installing). */
    private static StoreStats awaitSettled(Store store) throws InterruptedException {
        StoreStats previous = null;
        while (true) {
            StoreStats s = store.stats();
            boolean quiet = s.compactions().pendingBytes() == 0 && s.tables().levels().get(0).files() < 4;
            if (quiet && previous != null && previous.compactions().count() == s.compactions().count()
                    && previous.tables().levels().equals(s.tables().levels())) {
                return s;
            }
            previous = quiet ? s : null;
            Thread.sleep(quiet ? 300 : 10);
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
