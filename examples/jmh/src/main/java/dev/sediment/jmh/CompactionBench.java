package dev.sediment.jmh;

import dev.sediment.store.Compression;
import dev.sediment.store.compaction.CompactionIterator;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.iterator.MergingIterator;
import dev.sediment.store.sstable.TableOptions;
import dev.sediment.store.sstable.TableReader;
import dev.sediment.store.sstable.TableWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One compaction's CPU without the engine around it: {@value #UPPER} entries of an upper table merged into
 * {@value #LOWER} of a lower one (random keys of the bench's shape, no key in both), through the merging
 * iterator, the MVCC drop rules and a table writer, in the in-memory file system. The score is per output
 * entry, so the merge, table-building and compression shares can be compared between runs and profiled
 * ({@code -prof gc}, JFR).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CompactionBench {
    static final int UPPER = 20_000;
    static final int LOWER = 180_000;

    @Param({"ZSTD"})
    public Compression compression;

    /** zstd level of the output; the engine writes compaction outputs at -3 (TableSetup.COMPACTION_ZSTD_LEVEL). */
    @Param({"-3"})
    public int zstdLevel;

    private MemFileSystem fs;
    private TableReader upper;
    private TableReader lower;
    private TableOptions options;
    private int output;

    @Setup
    public void setUp() throws IOException {
        byte[][] keys = Keys.randomKeys(UPPER + LOWER, 7);
        byte[][] upperKeys = new byte[UPPER][];
        byte[][] lowerKeys = new byte[LOWER][];
        System.arraycopy(keys, 0, upperKeys, 0, UPPER);
        System.arraycopy(keys, UPPER, lowerKeys, 0, LOWER);
        fs = new MemFileSystem();
        upper = BenchTables.write(fs, Path.of("/bench/upper.sst"), upperKeys, compression, rev -> Keys.value((int) rev), null);
        lower = BenchTables.write(fs, Path.of("/bench/lower.sst"), lowerKeys, compression, rev -> Keys.value((int) rev), null);
        TableOptions defaults = TableOptions.defaults();
        options = new TableOptions(defaults.blockSizeBytes(), defaults.restartInterval(), defaults.bloomBitsPerKey(),
                compression, zstdLevel);
        System.out.printf("%n%s level %d: %,d bytes in, %,d entries%n", compression, zstdLevel,
                upper.properties().fileSizeBytes() + lower.properties().fileSizeBytes(), UPPER + LOWER);
    }

    @TearDown
    public void tearDown() {
        upper.close();
        lower.close();
    }

    /** Returns the entries written; the score divided by {@code UPPER + LOWER} is the cost per entry. */
    @Benchmark
    @OperationsPerInvocation(UPPER + LOWER)
    public long compact() throws IOException {
        Path path = Path.of("/bench/out-" + (output++) + ".sst");
        long entries = 0;
        try (MergingIterator merged = new MergingIterator(List.<InternalIterator>of(upper.iterator(false),
                lower.iterator(false)))) {
            CompactionIterator it = new CompactionIterator(merged, new long[0], List.of(), true);
            TableWriter writer = new TableWriter(path, fs.create(path), options);
            for (it.seekToFirst(); it.valid(); it.next()) {
                writer.add(it.userKey(), it.trailer(), it.valueArray(), it.valueOffset(), it.valueLength());
                entries++;
            }
            writer.finish();
        }
        if (output == 1) {
            System.out.printf("%n%s level %d: %,d bytes out%n", compression, zstdLevel, fs.size(path));
        }
        fs.delete(path);
        return entries;
    }
}
