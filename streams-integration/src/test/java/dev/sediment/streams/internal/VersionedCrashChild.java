package dev.sediment.streams.internal;

import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link VersionedCrashTest} kills: opens a versioned store under exactly_once_v2, continues the
 * deterministic operation stream after its committed offset, commits every {@value #COMMIT_EVERY} operations and
 * prints {@code committed <offset> <elapsedMillis>}. Runs until killed.
 */
public final class VersionedCrashChild {
    static final TopicPartition CHANGELOG = new TopicPartition("versioned-changelog", 0);
    static final String STORE = "versioned";
    static final long HISTORY_RETENTION_MS = 300;
    static final long SEGMENT_INTERVAL_MS = 100;
    static final int KEYS = 200;
    private static final int COMMIT_EVERY = 50;

    private VersionedCrashChild() {
    }

    static Bytes key(long i) {
        return Bytes.wrap(("k" + (i * 7919 % KEYS)).getBytes(StandardCharsets.UTF_8));
    }

    /** Out of order by up to 400 ms, so some operations land inside a key's history and some are too old to put. */
    static long timestamp(long i) {
        return 1_000 + i * 10 - (i * 31 % 17) * 25;
    }

    /** The value put by operation {@code i}, or null for a tombstone. */
    static byte[] value(long i) {
        return i % 11 == 0 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8);
    }

    static void apply(SedimentVersionedStore store, long i) {
        store.put(key(i), value(i), timestamp(i));
    }

    static Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // KIP-892's mode (read by name, so also on 4.3): a store killed before its first durable commit point opens
        // empty, as Kafka Streams would wipe it without the mode, instead of keeping uncommitted flushed writes.
        p.put(TransactionalMode.CONFIG, "true");
        p.put(SedimentConfig.MEMTABLE_BYTES, 64 << 10); // flushes, so commit points become recovery points
        p.put(SedimentConfig.MAX_REPLAY_AGE_MS, 200L);
        return p;
    }

    static SedimentVersionedStore open(File stateDir) {
        SedimentVersionedStore store = new SedimentVersionedStore(STORE, HISTORY_RETENTION_MS, SEGMENT_INTERVAL_MS);
        store.init(new CapturingStateStoreContext(stateDir, props()), store);
        return store;
    }

    public static void main(String[] args) {
        SedimentVersionedStore store = open(new File(args[0]));
        Long committed = store.committedOffset(CHANGELOG);
        long start = System.nanoTime();
        for (long i = committed == null ? 0 : committed + 1; ; i++) {
            apply(store, i);
            if ((i + 1) % COMMIT_EVERY == 0) {
                store.commit(Map.of(CHANGELOG, i));
                System.out.println("committed " + i + " " + (System.nanoTime() - start) / 1_000_000);
                System.out.flush();
                LockSupport.parkNanos(2_000_000); // pacing only
            }
        }
    }
}
