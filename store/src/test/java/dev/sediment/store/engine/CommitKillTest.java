package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit-point oracle with a real process and a real disk: a child JVM ({@link CommitWriterMain})
 * writes and commits until it is killed with SIGKILL at a random moment; the store is reopened and must
 * report an offset the child was committing or had committed — no older than its last acknowledged
 * flush — with exactly the state of the stream up to that offset. The next round replays from there.
 */
@Timeout(300)
class CommitKillTest {
    private static final long END = 60_000;

    /** What the child printed before it died. */
    private static final class Transcript {
        final Set<Long> committing = new HashSet<>();
        long flushed = Long.MIN_VALUE;
        long committed;
        boolean done;
    }

    @Test
    void sigkillAtRandomMomentsReopensAtACommittedOffset(@TempDir Path tmp) throws Exception {
        long seed = Seeds.seed("CommitKillTest");
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("store");
        long start = 0;
        int kills = 0;
        List<String> history = new ArrayList<>();
        for (int round = 0; round < 6 && start < END; round++) {
            boolean kill = round < 5;
            int killAfterCommits = 3 + rnd.nextInt(60);
            Transcript t = runChild(dir, start, kill ? killAfterCommits : -1);
            long c = verify(dir, start, t, "seed=" + seed + " round " + round + " " + history);
            history.add("start " + start + " -> " + c);
            if (!t.done) {
                kills++;
                assertTrue(c >= start - 1, "went back before the replay start");
            }
            start = c + 1;
        }
        System.out.println("CommitKillTest rounds: " + history);
        assertTrue(kills >= 3, "only " + kills + " kills landed before the child finished: " + history);
        assertEquals(END, start, "the last round runs to the end: " + history);
    }

    private static Transcript runChild(Path dir, long start, int killAfterCommits) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CommitWriterMain.class.getName(), dir.toString(), Long.toString(start), Long.toString(END));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Transcript t = new Transcript();
        int commits = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("committing ")) {
                    t.committing.add(Long.parseLong(line.substring(11)));
                } else if (line.startsWith("committed ")) {
                    t.committed = Long.parseLong(line.substring(10));
                    if (++commits == killAfterCommits) {
                        // SIGKILL: no shutdown hooks, no close. Keep reading: what the child printed before
                        // it died is still in the pipe, and its commits may have become durable.
                        p.toHandle().destroyForcibly(); // the signal only: Process.destroy* would close the pipe
                    }
                } else if (line.startsWith("flushed ")) {
                    t.flushed = Long.parseLong(line.substring(8));
                } else if (line.equals("done")) {
                    t.done = true;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        if (killAfterCommits < 0) {
            assertEquals(0, p.exitValue(), "the last round must finish cleanly");
        }
        return t;
    }

    private static long verify(Path dir, long start, Transcript t, String where) {
        try (Store store = Store.open(dir, StoreOptions.defaults())) {
            Map<String, Long> offsets = store.committedOffsets();
            long c = offsets.getOrDefault("changelog-0", -1L);
            // This round's commits, or the offset it started from when none of them became durable.
            assertTrue(t.committing.contains(c) || c == start - 1,
                    where + ": offset " + c + " was never committed (round started at " + start + ")");
            assertTrue(c >= t.flushed, where + ": offset " + c + " is older than the acknowledged flush at " + t.flushed);
            TreeMap<byte[], byte[]> expected = CommitCrashTest.stateAfter(c);
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                EngineRandomizedTest.compare(it, expected, where + " at offset " + c);
            }
            // A write moves reads above every rolled-back revision: they must stay hidden. (The probe is
            // never committed, so the next open rolls it back in turn.)
            byte[] probe = "~probe".getBytes(StandardCharsets.UTF_8);
            store.put(probe, new byte[] {1});
            expected.put(probe, new byte[] {1});
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                EngineRandomizedTest.compare(it, expected, where + " at offset " + c + " after a new write");
            }
            return c;
        }
    }
}
