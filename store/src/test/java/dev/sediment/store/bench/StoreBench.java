package dev.sediment.store.bench;

import dev.sediment.store.Compression;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.StoreStats;
import dev.sediment.store.WriteBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A db_bench-style driver for the engine alone (not a unit test): fill by random put, random overwrite
 * larger than the memtable budget, random and missing gets, seek + nexts, full scans, and the store's
 * stats afterwards (levels, write and space amplification). The side-by-side comparison with Kafka
 * Streams' stores lives in the examples' benchmark; this one is for engine work.
 *
 * <pre>
 * mvn -q -pl store test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.sediment.store.bench.StoreBench -Dexec.args="--keys 1000000"
 * </pre>
 */
public final class StoreBench {
    private StoreBench() {
    }

    public static void main(String[] args) throws IOException {
        int keys = 1_000_000;
        int valueBytes = 100;
        int overwrites = -1;
        Path dir = null;
        StoreOptions.Builder options = StoreOptions.builder();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--value-bytes" -> valueBytes = Integer.parseInt(args[++i]);
                case "--overwrites" -> overwrites = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--compression" -> options.compression(Compression.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT)));
                case "--cache-mb" -> options.blockCacheSizeBytes(Long.parseLong(args[++i]) << 20);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --keys N --value-bytes N --overwrites N --dir PATH --compression none|zstd|lz4 --cache-mb N)");
            }
        }
        if (overwrites < 0) {
            overwrites = keys;
        }
        boolean temp = dir == null;
        if (temp) {
            dir = Files.createTempDirectory("sediment-bench");
        }
        System.out.printf("StoreBench: %,d keys of 16 bytes, %d-byte values (half compressible), %,d overwrites, in %s%n",
                keys, valueBytes, overwrites, dir);
        Random rnd = new Random(42);
        byte[] value = new byte[valueBytes];
        StoreOptions built = options.build();
        System.out.printf("compression %s, block cache %d MiB, memtable %d MiB%n", built.compression(),
                built.blockCacheSizeBytes() >> 20, built.memtableSizeBytes() >> 20);
        try (Store store = Store.open(dir, built)) {
            long userBytes = 0;
            long t = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                store.put(key(i), fill(value, rnd));
                userBytes += 16 + valueBytes;
            }
            report("fillrandom put", keys, t);

            t = System.nanoTime();
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < overwrites; i++) {
                batch.put(key(rnd.nextInt(keys)), fill(new byte[valueBytes], rnd));
                userBytes += 16 + valueBytes;
                if (batch.size() == 1000) {
                    store.write(batch);
                    batch = new WriteBatch();
                }
            }
            store.write(batch);
            report("overwrite putAll(1000)", overwrites, t);
            store.flush();

            t = System.nanoTime();
            int n = Math.min(keys, 500_000);
            for (int i = 0; i < n; i++) {
                if (store.get(key(rnd.nextInt(keys))) == null) {
                    throw new IllegalStateException("missing key");
                }
            }
            report("readrandom get", n, t);
            StoreStats afterGets = store.stats();
            System.out.printf("  table reads per get %.3f, of which missed the key %.4f per get%n",
                    (double) afterGets.tables().reads() / n, (double) afterGets.tables().readMisses() / n);

            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                store.get(key(keys + rnd.nextInt(keys)));
            }
            report("readmissing get", n, t);

            t = System.nanoTime();
            int seeks = 20_000;
            for (int i = 0; i < seeks; i++) {
                try (StoreIterator it = store.iterator(KeyRange.of(key(rnd.nextInt(keys)), true, null, true), false)) {
                    for (int j = 0; j < 100 && it.valid(); j++) {
                        it.next();
                    }
                }
            }
            report("seek + 100 next", seeks, t);

            t = System.nanoTime();
            long scanned = 0;
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                for (; it.valid(); it.next()) {
                    scanned++;
                }
            }
            report("full scan (entries)", scanned, t);

            StoreStats s = store.stats();
            System.out.println();
            System.out.println("After the workload (" + s.flushes().count() + " flushes, " + s.compactions().count() + " compactions, "
                    + s.stalls().count() + " write stalls, " + s.stalls().millis() + " ms stalled):");
            System.out.print(s.compactions().levelTable());
            System.out.printf("write amplification (SST bytes written / bytes flushed): %.2f%n", s.compactions().writeAmplification());
            System.out.printf("write amplification (SST bytes written / user bytes put): %.2f%n",
                    (double) (s.flushes().bytes() + s.compactions().bytesWritten()) / userBytes);
            long live = (long) keys * (16 + valueBytes);
            System.out.printf("space amplification (live SST bytes / user bytes of the %,d live keys): %.2f%n",
                    keys, (double) s.tables().liveBytes() / live);

            t = System.nanoTime();
            store.compactRange(null, null);
            report("compactRange(all) keys", keys, t);
            s = store.stats();
            System.out.print(s.compactions().levelTable());
            System.out.printf("space amplification after a full compaction: %.2f%n", (double) s.tables().liveBytes() / live);
            System.out.println("(values are half zeros: zstd shrinks them, so space amplification can be below 1)");
        } finally {
            if (temp) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void report(String what, long ops, long startNanos) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-24s %,12.0f ops/s  (%,d in %.2f s)%n", what, ops / secs, ops, secs);
    }

    /** 16-byte keys: 8 bytes of a scrambled id, then the id, so keys spread over the key space. */
    static byte[] key(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        byte[] k = new byte[16];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (h >>> (56 - 8 * i));
            k[8 + i] = (byte) (id >>> (56 - 8 * i));
        }
        return k;
    }

    /** Half random, half zeros: compressible about 2:1, like the benchmark issue asks. */
    private static byte[] fill(byte[] v, Random rnd) {
        for (int i = 0; i < v.length / 2; i++) {
            v[i] = (byte) rnd.nextInt();
        }
        return v;
    }
}
