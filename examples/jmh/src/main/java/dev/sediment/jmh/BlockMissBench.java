package dev.sediment.jmh;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.sstable.PointLookup;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A point read in one table whose blocks are never in the block cache (a cache of zero bytes): the cost of a
 * miss, read + verify + decompress + parse, and what it allocates ({@code -prof gc}: the 4 KiB block is the
 * floor, the value copy the rest). {@code onDisk}: the table is a file in a temporary directory, read with
 * {@code pread} from the OS page cache as the engine does; otherwise it lies in the in-memory file system, so a
 * read is a copy. NONE is how L0 tables are stored, ZSTD every deeper level by default.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class BlockMissBench {
    static final int ENTRIES = 100_000;

    @Param({"NONE", "LZ4", "ZSTD"})
    public Compression compression;

    @Param({"false", "true"})
    public boolean onDisk;

    private Path dir;

    private byte[][] keys;
    private TableReader reader;
    private int next;
    private final PointLookup lookup = new PointLookup();
    private final long seekTrailer = InternalKeys.seekTrailer(InternalKeys.MAX_REVISION);

    @Setup
    public void setUp() throws IOException {
        keys = Keys.randomKeys(ENTRIES, 42);
        FileSystem fs = onDisk ? DiskFileSystem.instance() : new MemFileSystem();
        dir = onDisk ? Files.createTempDirectory("sediment-miss-bench") : Path.of("/bench");
        reader = BenchTables.write(fs, dir.resolve("000001.sst"), keys, compression,
                rev -> Keys.value((int) rev), new BlockCache(0));
    }

    @TearDown
    public void tearDown() throws IOException {
        reader.close();
        if (onDisk) {
            Files.delete(dir.resolve("000001.sst"));
            Files.delete(dir);
        }
    }

    @Benchmark
    public void pointMissedBlock(Blackhole bh) {
        byte[] key = keys[next++ % ENTRIES];
        bh.consume(lookup.seek(reader, key, seekTrailer) ? lookup.valueCopy() : null);
        lookup.clear();
    }
}
