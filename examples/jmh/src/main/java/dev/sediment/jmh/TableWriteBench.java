package dev.sediment.jmh;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.sstable.TableReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Writing one table of {@value #ENTRIES} entries (the bench's data shape) into the in-memory file system: the
 * table-building and compression share of a compaction's CPU, per compression. The file size (the compression
 * ratio) is printed once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class TableWriteBench {
    static final int ENTRIES = 20_000;

    @Param({"NONE", "LZ4", "ZSTD"})
    public Compression compression;

    private byte[][] keys;
    private byte[][] values;
    private int table;

    @Setup
    public void setUp() throws IOException {
        keys = Keys.randomKeys(ENTRIES, 42);
        java.util.Arrays.sort(keys, java.util.Arrays::compareUnsigned); // sorting again in BenchTables is then one pass
        values = new byte[ENTRIES][];
        for (int i = 0; i < ENTRIES; i++) {
            values[i] = Keys.value(i);
        }
        MemFileSystem fs = new MemFileSystem();
        Path path = Path.of("/bench/size.sst");
        try (TableReader r = BenchTables.write(fs, path, keys, compression, rev -> values[(int) rev - 1], null)) {
            System.out.printf("%n%s: %,d entries, %,d bytes on disk%n", compression, ENTRIES, r.properties().fileSizeBytes());
        }
    }

    @Benchmark
    public TableReader writeTable() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        TableReader r = BenchTables.write(fs, Path.of("/bench/" + (table++) + ".sst"), keys, compression,
                rev -> values[(int) rev - 1], null);
        r.close();
        return r;
    }
}
