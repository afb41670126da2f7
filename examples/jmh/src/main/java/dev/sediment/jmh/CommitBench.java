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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The commit path on a real disk, as Kafka Streams drives it: {@code putCommit} is one record and a
 * commit (TopologyTestDriver commits after every record); {@code openPutCommitClose} is a whole store
 * life in a fresh directory, what each topology test pays per store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CommitBench {
    private Path root;
    private Store store;
    private byte[][] keys;
    private byte[] value;
    private long offset;
    private int dirs;

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("sediment-commit-bench");
        store = Store.open(root.resolve("store"), StoreOptions.builder().build());
        keys = Keys.randomKeys(1 << 16, 42);
        value = Keys.value(7);
    }

    @TearDown
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long putCommit() {
        long o = offset++;
        store.put(keys[(int) (o & 0xFFFF)], value);
        return store.commit(Map.of("topic-0", o));
    }

    @Benchmark
    public long openPutCommitClose() {
        long o = offset++;
        try (Store s = Store.open(root.resolve("life-" + dirs++), StoreOptions.builder().build())) {
            s.put(keys[(int) (o & 0xFFFF)], value);
            return s.commit(Map.of("topic-0", o));
        }
    }
}
