package dev.sediment.jmh;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.memtable.MemTable;
import dev.sediment.store.memtable.MemTableScan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The memtable's write and read paths as the engine calls them: {@code insert} fills a fresh memtable
 * with {@link #ENTRIES} random keys (one op = one put, its memtable's share of allocation included);
 * {@code insertSortedBatches} does so in sorted batches of {@link #BATCH} as a {@code putAll} arrives;
 * {@code get} looks up present keys in a full one; {@code flushPass*} read a full one in order as a flush does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class MemTableBench {
    static final int ENTRIES = 100_000;

    static final int BATCH = 1000;

    private byte[][] keys;
    private byte[][][] sortedBatches;
    private byte[] value;
    private MemTable full;
    private int next;
    static final int COLD = 8;
    private MemTable[] cold;
    private int nextCold;

    @Setup
    public void setUp() {
        keys = Keys.randomKeys(ENTRIES, 42);
        value = Keys.value(7);
        full = fill();
        cold = new MemTable[COLD];
        for (int i = 0; i < COLD; i++) {
            cold[i] = fill(); // the same keys, each memtable's nodes in its own arena
        }
        sortedBatches = new byte[ENTRIES / BATCH][][];
        for (int b = 0; b < sortedBatches.length; b++) {
            sortedBatches[b] = Arrays.copyOfRange(keys, b * BATCH, (b + 1) * BATCH);
            Arrays.sort(sortedBatches[b], Arrays::compareUnsigned);
        }
    }

    private MemTable fill() {
        MemTable m = new MemTable(64L << 20);
        long rev = 0;
        for (byte[] k : keys) {
            // As the engine calls it: the caller's arrays (the memtable copies what it keeps).
            m.add(k, InternalKeys.trailer(++rev, KeyKind.PUT), value);
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public MemTable insert() {
        return fill();
    }

    /** As a batch of {@link #BATCH} puts goes in: sorted, each insert from the previous one's place. */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public MemTable insertSortedBatches() {
        return fillInBatches(true);
    }

    /** The same sorted batches, each insert searching from the head (the path before the finger). */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public MemTable insertSortedBatchesFromHead() {
        return fillInBatches(false);
    }

    private MemTable fillInBatches(boolean afterPrevious) {
        MemTable m = new MemTable(64L << 20);
        long rev = 0;
        for (byte[][] batch : sortedBatches) {
            for (byte[] k : batch) {
                m.add(k, InternalKeys.trailer(++rev, KeyKind.PUT), value, afterPrevious);
            }
        }
        return m;
    }

    /**
     * A flush's pass over a full memtable, as it was: the iterator's bottom-level walk (one op = one entry). Each
     * pass reads the next of {@link #COLD} memtables (about 100 MiB together), so it starts from memory, not from
     * the processor's cache, as a flush does.
     */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long flushPassIterator() {
        long sum = 0;
        try (InternalIterator it = cold[nextCold++ % COLD].iterator()) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                sum += it.userKey().length + it.trailer() + it.valueArray()[it.valueOffset()] + it.valueLength();
            }
        }
        return sum;
    }

    /** The same pass through {@link MemTableScan}: several segments walked at once. */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long flushPassScan() {
        long sum = 0;
        MemTableScan scan = cold[nextCold++ % COLD].scan();
        while (scan.advance()) {
            sum += scan.userKey().length + scan.trailer() + scan.valueArray()[scan.valueOffset()] + scan.valueLength();
        }
        return sum;
    }

    @Benchmark
    public void get(Blackhole bh) {
        byte[] k = keys[next++ % ENTRIES];
        bh.consume(full.get(k, InternalKeys.MAX_REVISION));
    }
}
