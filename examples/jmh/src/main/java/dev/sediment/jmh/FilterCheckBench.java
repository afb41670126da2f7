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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a get pays for the bloom filters of a deep tree: {@value #TABLES} tables of {@value #KEYS_PER_TABLE}
 * keys each (about 15 MB of filters, more than the CPU caches hold, as at 10M keys with L0 backed up), each
 * operation one key hash checked against every table's filter. {@code absent}: keys in no table (a check
 * usually stops at the first unset bit); {@code present}: keys of one table (that table's check runs every
 * probe). The figure is per operation, so per filter check it is a {@value #TABLES}th of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class FilterCheckBench {
    static final int TABLES = 24;
    static final int KEYS_PER_TABLE = 500_000;
    private static final int PROBE_KEYS = 1 << 16;

    private TableReader[] readers;
    private long[] absent;
    private long[] present;
    private int next;

    @Setup
    public void setUp() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        BlockCache cache = new BlockCache(1L << 30);
        readers = new TableReader[TABLES];
        present = new long[PROBE_KEYS];
        for (int t = 0; t < TABLES; t++) {
            byte[][] keys = Keys.randomKeys(KEYS_PER_TABLE, 1000 + t);
            for (int i = t; i < PROBE_KEYS; i += TABLES) {
                present[i] = TableReader.keyHash(keys[i]);
            }
            readers[t] = BenchTables.write(fs, Path.of("/bench/" + (t + 1) + ".sst"), keys, Compression.NONE,
                    rev -> new byte[0], cache);
        }
        byte[][] probes = Keys.randomKeys(PROBE_KEYS, 7);
        absent = new long[PROBE_KEYS];
        for (int i = 0; i < PROBE_KEYS; i++) {
            absent[i] = TableReader.keyHash(probes[i]);
        }
    }

    @TearDown
    public void tearDown() {
        for (TableReader r : readers) {
            r.close();
        }
    }

    private int checkAll(long hash) {
        int passed = 0;
        for (TableReader r : readers) {
            if (r.mayContainHash(hash)) {
                passed++;
            }
        }
        return passed;
    }

    @Benchmark
    public int absent() {
        return checkAll(absent[next++ & (PROBE_KEYS - 1)]);
    }

    @Benchmark
    public int present() {
        return checkAll(present[next++ & (PROBE_KEYS - 1)]);
    }
}
