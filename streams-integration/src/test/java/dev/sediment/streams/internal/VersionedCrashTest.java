package dev.sediment.streams.internal;

import dev.sediment.streams.KilledChild;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of a versioned store (KIP-889) under exactly_once_v2: a child JVM puts out-of-order versions and
 * tombstones and commits; it is killed at a random moment. The reopened store reports an offset c the child did
 * commit and holds exactly the state after operations 0..c: the latest record and the record as of every
 * timestamp of a grid, for every key, equal those of a store that ran operations 0..c without a crash, and its
 * observed stream time is theirs (Kafka's RocksDB versioned store forgets it on reopen); a child killed before its
 * first durable commit point leaves an empty store (KIP-892's mode, as Kafka would wipe it). Rounds continue on the
 * same directory after the recovered offset.
 */
@Timeout(240)
class VersionedCrashTest {
    private static final int ROUNDS = 3;

    @TempDir
    Path tmp;

    @Test
    void killedVersionedStoreReopensAtACommittedOffsetWithExactlyThatHistory() throws Exception {
        long seed = Long.getLong("tests.seed.crash", System.nanoTime());
        Random random = new Random(seed);
        File stateDir = Files.createDirectories(tmp.resolve("crashed")).toFile();
        Set<Long> committedByChildren = new HashSet<>();
        Long previous = null;
        for (int round = 0; round < ROUNDS; round++) {
            long killAfterMillis = 400 + random.nextInt(1200);
            KilledChild.runAndKill(VersionedCrashChild.class, stateDir, killAfterMillis, committedByChildren);
            String where = "seed " + seed + " (rerun with -Dtests.seed.crash=" + seed + "), round " + round
                    + ", killed after " + killAfterMillis + " ms";
            SedimentVersionedStore recovered = VersionedCrashChild.open(stateDir);
            try {
                Long recoveredOffset = recovered.committedOffset(VersionedCrashChild.CHANGELOG);
                // Killed before its first commit point was durable (a loaded machine): opens empty under exactly-once.
                assertTrue(recoveredOffset != null || previous == null, "a recovered offset is never lost: " + where);
                long c = recoveredOffset == null ? -1 : recoveredOffset;
                assertTrue(c < 0 || committedByChildren.contains(c), "offset " + c + " was committed by a child: " + where);
                assertTrue(previous == null || c >= previous, "never behind a recovered offset: " + where);
                assertSameHistory(c, recovered, where + ", recovered offset " + c);
                System.out.printf("%s: recovered offset %d, newest offset the child committed %d%n", where, c,
                        committedByChildren.stream().mapToLong(Long::longValue).max().orElse(-1));
                previous = recoveredOffset;
            } finally {
                recovered.close();
            }
        }
    }

    /** Replays operations 0..c into a store that never crashed and compares every key's history with it. */
    private void assertSameHistory(long c, SedimentVersionedStore recovered, String where) throws Exception {
        File modelDir = Files.createTempDirectory(tmp, "model").toFile();
        SedimentVersionedStore model = VersionedCrashChild.open(modelDir);
        try {
            long maxTimestamp = -1;
            for (long i = 0; i <= c; i++) {
                VersionedCrashChild.apply(model, i);
                maxTimestamp = Math.max(maxTimestamp, VersionedCrashChild.timestamp(i));
            }
            model.commit(Map.of(VersionedCrashChild.CHANGELOG, c));
            assertEquals(maxTimestamp, model.observedStreamTime(), "the model's stream time: " + where);
            assertEquals(maxTimestamp, recovered.observedStreamTime(), "observed stream time kept: " + where);
            for (int k = 0; k < VersionedCrashChild.KEYS; k++) {
                Bytes key = Bytes.wrap(("k" + k).getBytes(StandardCharsets.UTF_8));
                assertEquals(text(model.get(key)), text(recovered.get(key)), "latest of " + key + ": " + where);
                for (long asOf = maxTimestamp - 2 * VersionedCrashChild.HISTORY_RETENTION_MS; asOf <= maxTimestamp + 10;
                     asOf += 7) {
                    assertEquals(text(model.get(key, asOf)), text(recovered.get(key, asOf)),
                            key + " as of " + asOf + ": " + where);
                }
            }
        } finally {
            model.close();
        }
    }

    private static String text(byte[] b) {
        return b == null ? "null" : Arrays.toString(b);
    }
}
