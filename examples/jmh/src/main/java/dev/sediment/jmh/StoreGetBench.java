package dev.sediment.jmh;

import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code Store.get} through the whole engine read path (read-state pin, memtable, table cache, filters, block
 * cache, block seek) on a flushed and compacted store whose blocks are all cached: {@code getHit} for present
 * keys, {@code getMiss} for absent ones. Its allocation per op ({@code -prof gc}) is the read path's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class StoreGetBench {
    static final int ENTRIES = 200_000;

    private Path root;
    private Store store;
    private byte[][] keys;
    private byte[][] absent;
    private int next;

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("sediment-get-bench");
        store = Store.open(root.resolve("store"), StoreOptions.builder().build());
        keys = Keys.randomKeys(ENTRIES, 42);
        absent = Keys.randomKeys(ENTRIES, 43);
        byte[] value = Keys.value(7);
        for (byte[] k : keys) {
            store.put(k, value);
        }
        store.compactRange(null, null);
        for (byte[] k : keys) {
            store.get(k); // every block into the cache
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public byte[] getHit() {
        return store.get(keys[next++ % ENTRIES]);
    }

    @Benchmark
    public byte[] getMiss() {
        return store.get(absent[next++ % ENTRIES]);
    }
}
