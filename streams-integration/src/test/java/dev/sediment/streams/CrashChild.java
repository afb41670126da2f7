package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link CrashRecoveryTest} kills: opens the store under exactly_once_v2 through
 * MockProcessorContext, continues the deterministic record stream after its committed offset, commits
 * every {@value #COMMIT_EVERY} records and prints {@code committed <offset> <elapsedMillis>}. Runs until killed.
 */
public final class CrashChild {
    static final TopicPartition CHANGELOG = new TopicPartition("crash-store-changelog", 0);
    static final int COMMIT_EVERY = 50;

    private CrashChild() {
    }

    /** Record {@code i} of the stream: its key, and its value or null for a delete. */
    static String key(long i) {
        return "k" + (i * 7919 % 1000);
    }

    static String value(long i) {
        return i % 11 == 0 ? null : "v" + i;
    }

    static Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(SedimentConfig.MEMTABLE_BYTES, 64 << 10);       // flushes, so commit points become recovery points
        p.put(SedimentConfig.MAX_REPLAY_AGE_MS, 200L);
        return p;
    }

    public static void main(String[] args) {
        CapturingStateStoreContext ctx = new CapturingStateStoreContext(new File(args[0]), props());
        SedimentKeyValueStore store = new SedimentKeyValueStore("crash-store");
        store.init(ctx, store);
        Long committed = store.committedOffset(CHANGELOG);
        long start = System.nanoTime();
        System.out.println("started " + committed);
        System.out.flush();
        for (long i = committed == null ? 0 : committed + 1; ; i++) {
            Bytes k = Bytes.wrap(key(i).getBytes(StandardCharsets.UTF_8));
            String v = value(i);
            store.put(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
            if ((i + 1) % COMMIT_EVERY == 0) {
                store.commit(Map.of(CHANGELOG, i));
                System.out.println("committed " + i + " " + (System.nanoTime() - start) / 1_000_000);
                System.out.flush();
                LockSupport.parkNanos(2_000_000); // pacing only, about 25k records/s
            }
        }
    }
}
