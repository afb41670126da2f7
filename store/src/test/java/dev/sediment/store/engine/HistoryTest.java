package dev.sediment.store.engine;

import dev.sediment.store.Compression;
import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.RevisionTrimmedException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.Seeds;
import dev.sediment.store.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads at a revision against a model that keeps every write (design §5 invariant 7): with history
 * retained, every revision from the trim horizon on reads exactly as it was written, through flushes,
 * compactions (tiny levels, so they run constantly), explicit trims and reopens; below it reads fail.
 */
@Timeout(120)
class HistoryTest {
    private static final Path DIR = Path.of("/history/store");

    private record Write(long revision, byte[] key, byte[] value) {
    }

    private static TreeMap<byte[], byte[]> stateAt(List<Write> log, long revision) {
        TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        for (Write w : log) {
            if (w.revision() > revision) {
                break;
            }
            if (w.value() == null) {
                m.remove(w.key());
            } else {
                m.put(w.key(), w.value());
            }
        }
        return m;
    }

    private static StoreOptions options(MemFileSystem fs, TestClock clock, RevisionOptions revisions, Random rnd) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .clock(clock)
                .memtableSizeBytes(1024 + rnd.nextInt(4096))
                .blockSizeBytes(256)
                .compression(Compression.NONE)
                .compaction(EngineRandomizedTest.tinyCompaction(rnd))
                .revisions(revisions)
                .build();
    }

    @Test
    void readsAtEveryRetainedRevisionMatchTheModel() {
        long seed = Seeds.seed("HistoryTest.byRevisions");
        run(seed, RevisionOptions.builder().historyRetentionRevisions(400).maxReplayAge(Duration.ZERO).build(), 0);
    }

    @Test
    void ageBasedRetentionKeepsTheLastMinutes() {
        long seed = Seeds.seed("HistoryTest.byAge");
        run(seed, RevisionOptions.builder().historyRetention(Duration.ofMinutes(2)).maxReplayAge(Duration.ZERO)
                .tombstoneRetention(Duration.ZERO).build(), 1_000);
    }

    /** {@code millisPerWrite}: the test clock advances this much per write (0: it stands still). */
    private static void run(long seed, RevisionOptions revisions, long millisPerWrite) {
        Random rnd = new Random(seed);
        MemFileSystem fs = new MemFileSystem();
        TestClock clock = new TestClock(1_700_000_000_000L);
        List<Write> log = new ArrayList<>();
        int steps = 3000 * Seeds.multiplier();
        Engine store = Engine.open(DIR, options(fs, clock, revisions, rnd));
        try {
            long checkedBelow = 0;
            for (int step = 0; step < steps; step++) {
                clock.advance(Duration.ofMillis(millisPerWrite));
                byte[] key = ("k" + rnd.nextInt(30)).getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(6) == 0) {
                    log.add(new Write(store.delete(key), key, null));
                } else {
                    byte[] value = ("v" + step).getBytes(StandardCharsets.UTF_8);
                    log.add(new Write(store.put(key, value), key, value));
                }
                if (step % 100 == 99) {
                    String where = "seed=" + seed + " step " + step;
                    long horizon = store.trimHorizon();
                    long last = store.lastRevision();
                    for (int i = 0; i < 20; i++) {
                        long at = horizon + (long) (rnd.nextDouble() * (last - horizon + 1));
                        check(store, log, Math.min(at, last), where);
                    }
                    check(store, log, horizon, where + " at the horizon");
                    if (horizon > 1) {
                        long below = horizon - 1 - rnd.nextInt((int) Math.min(horizon - 1, 50));
                        Engine s = store;
                        assertThrows(RevisionTrimmedException.class,
                                () -> s.get("k1".getBytes(StandardCharsets.UTF_8), below), where);
                        checkedBelow++;
                    }
                }
                if (step % 700 == 699) {
                    store.commit(Map.of("tp", (long) step));
                    store.close();
                    store = Engine.open(DIR, options(fs, clock, revisions, rnd));
                    EngineInvariants.check(store);
                }
                if (step % 900 == 899) {
                    long trimTo = store.lastRevision() - 50;
                    long h = store.trimHistory(trimTo);
                    assertTrue(h >= Math.min(trimTo, store.stats().revisions().recovery()), "trim to " + trimTo + " gave " + h);
                    store.compactRange(null, null);
                    EngineInvariants.check(store);
                }
            }
            assertTrue(checkedBelow > 0, "the horizon never moved: the test checks nothing below it");
        } finally {
            store.close();
        }
    }

    private static void check(Engine store, List<Write> log, long at, String where) {
        TreeMap<byte[], byte[]> expected = stateAt(log, at);
        for (int k = 0; k < 30; k++) {
            byte[] key = ("k" + k).getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(expected.get(key), store.get(key, at))) {
                fail(where + ": get k" + k + " at revision " + at + " (horizon " + store.trimHorizon() + ")");
            }
        }
        try (StoreIterator it = store.iterator(KeyRange.all(), true, at)) {
            EngineRandomizedTest.compare(it, expected.descendingMap(), where + " reverse scan at " + at);
        }
    }
}
