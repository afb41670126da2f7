package dev.sediment.jmh;

import dev.sediment.store.BlockCache;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.Compression;
import dev.sediment.store.sstable.PointLookup;
import dev.sediment.store.sstable.TableReader;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A point read in one table whose blocks are all in the block cache, as {@code PointReader} does it
 * (bloom filter, iterator, seek, compare the key, take the value): {@code seekHit} for present keys,
 * {@code seekMissBloom} for absent ones (mostly stopped by the filter).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class TableReadBench {
    static final int ENTRIES = 100_000;

    private byte[][] keys;
    private byte[][] absent;
    private TableReader reader;
    private int next;
    private final PointLookup lookup = new PointLookup();
    private final long seekTrailer = InternalKeys.seekTrailer(InternalKeys.MAX_REVISION);

    @Setup
    public void setUp() throws IOException {
        keys = Keys.randomKeys(ENTRIES, 42);
        absent = Keys.randomKeys(ENTRIES, 43);
        byte[] value = Keys.value(7);
        reader = BenchTables.write(new MemFileSystem(), Path.of("/bench/000001.sst"), keys, Compression.NONE,
                rev -> value, new BlockCache(256L << 20));
        for (byte[] k : keys) {
            read(k); // every block into the cache
        }
    }

    @TearDown
    public void tearDown() {
        reader.close();
    }

    private byte[] read(byte[] key) {
        if (!reader.mayContain(key)) {
            return null;
        }
        try (InternalIterator it = reader.iterator()) {
            it.seek(key, InternalKeys.seekTrailer(InternalKeys.MAX_REVISION));
            return it.valid() && Arrays.equals(it.userKey(), key) ? it.value() : null;
        }
    }

    private byte[] lookUp(byte[] key) {
        if (!reader.mayContainHash(TableReader.keyHash(key))) {
            return null;
        }
        byte[] value = lookup.seek(reader, key, seekTrailer) ? lookup.valueCopy() : null;
        lookup.clear();
        return value;
    }

    @Benchmark
    public void pointHit(Blackhole bh) {
        bh.consume(lookUp(keys[next++ % ENTRIES]));
    }

    @Benchmark
    public void pointMiss(Blackhole bh) {
        bh.consume(lookUp(absent[next++ % ENTRIES]));
    }

    @Benchmark
    public void seekHit(Blackhole bh) {
        bh.consume(read(keys[next++ % ENTRIES]));
    }

    @Benchmark
    public void seekMiss(Blackhole bh) {
        bh.consume(read(absent[next++ % ENTRIES]));
    }
}
