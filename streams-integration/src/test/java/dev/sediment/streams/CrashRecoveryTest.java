package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL under exactly_once_v2 (design §5, invariant 2): a child JVM writes and commits; it is killed at a
 * random moment; the reopened store reports a committed offset c that the child did commit, and holds exactly
 * the state after records 0..c — no write past c, none missing. Several rounds on the same directory, each
 * continuing after the recovered offset as Kafka Streams would after replaying nothing (the model is the stream).
 */
@Timeout(180)
class CrashRecoveryTest {
    private static final int ROUNDS = 4;

    @TempDir
    Path tmp;

    @Test
    void killedStoreReopensAtACommittedOffsetWithExactlyThatState() throws Exception {
        long seed = Long.getLong("tests.seed.crash", System.nanoTime());
        Random random = new Random(seed);
        File stateDir = tmp.toFile();
        Set<Long> committedByChildren = new HashSet<>();
        Long previous = null;
        for (int round = 0; round < ROUNDS; round++) {
            long killAfterMillis = 400 + random.nextInt(1200);
            KilledChild.runAndKill(CrashChild.class, stateDir, killAfterMillis, committedByChildren);

            CapturingStateStoreContext ctx = new CapturingStateStoreContext(stateDir, CrashChild.props());
            SedimentKeyValueStore store = new SedimentKeyValueStore("crash-store");
            store.init(ctx, store);
            try {
                Long c = store.committedOffset(CrashChild.CHANGELOG);
                String where = "seed " + seed + ", round " + round + ", killed after " + killAfterMillis + " ms";
                assertNotNull(c, "a commit point older than the replay age must be durable: " + where);
                assertTrue(committedByChildren.contains(c), "offset " + c + " was committed by a child: " + where);
                assertTrue(previous == null || c >= previous, "never behind a recovered offset: " + where);
                assertEquals(model(c), contents(store), "exactly the state after records 0.." + c + ": " + where);
                System.out.printf("%s: recovered offset %d, newest offset the child committed %d%n", where, c,
                        committedByChildren.stream().mapToLong(Long::longValue).max().orElse(-1));
                previous = c;
            } finally {
                store.close();
            }
        }
    }

    private static TreeMap<String, String> model(long lastOffset) {
        TreeMap<String, String> m = new TreeMap<>();
        for (long i = 0; i <= lastOffset; i++) {
            String v = CrashChild.value(i);
            if (v == null) {
                m.remove(CrashChild.key(i));
            } else {
                m.put(CrashChild.key(i), v);
            }
        }
        return m;
    }

    private static TreeMap<String, String> contents(SedimentKeyValueStore store) {
        TreeMap<String, String> m = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> m.put(new String(kv.key.get(), StandardCharsets.UTF_8),
                    new String(kv.value, StandardCharsets.UTF_8)));
        }
        return m;
    }
}
