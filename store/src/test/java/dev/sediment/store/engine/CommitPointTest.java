package dev.sediment.store.engine;

import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.RevisionTrimmedException;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commit points, the recovery point, rollback, the age guard and bounded replay (design §5). */
@Timeout(60)
class CommitPointTest {
    private static final Path DIR = Path.of("/commit/store");
    private static final long T0 = 1_700_000_000_000L;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(MemFileSystem fs, TestClock clock) {
        return StoreOptions.builder().fileSystem(fs).clock(clock).memtableSizeBytes(64 << 10).build();
    }

    private static Map<String, Long> offsets(Object... nameThenOffset) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < nameThenOffset.length; i += 2) {
            m.put((String) nameThenOffset[i], (Long) nameThenOffset[i + 1]);
        }
        return m;
    }

    @Test
    void offsetsMergeNullRemovesOneEmptyRemovesAllAndNegativesAreKept() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertEquals(Map.of(), store.committedOffsets());
            store.commit(offsets("a-0", 5L, "b-0", -4L));
            store.commit(offsets("c-0", 7L));
            assertEquals(Map.of("a-0", 5L, "b-0", -4L, "c-0", 7L), store.committedOffsets());
            store.commit(offsets("a-0", null));
            assertEquals(Map.of("b-0", -4L, "c-0", 7L), store.committedOffsets());
            store.commit(Map.of());
            assertEquals(Map.of(), store.committedOffsets());
            store.commit(offsets("d-0", Long.MIN_VALUE));
            assertEquals(Map.of("d-0", Long.MIN_VALUE), store.committedOffsets());
        }
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertEquals(Map.of("d-0", Long.MIN_VALUE), store.committedOffsets(), "after a clean reopen");
        }
    }

    @Test
    void positionIsKeptWithTheCommitAndNullKeepsThePreviousOne() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertArrayEquals(new byte[0], store.committedPosition());
            store.put(b("k"), b("v"));
            store.commit(offsets("t-0", 1L), b("pos-1"));
            store.commit(offsets("t-0", 2L), null);
            assertArrayEquals(b("pos-1"), store.committedPosition());
        }
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertArrayEquals(b("pos-1"), store.committedPosition());
            assertEquals(Map.of("t-0", 2L), store.committedOffsets());
        }
    }

    @Test
    void writesAfterTheLastCommitAreRolledBackOnReopenAndRevisionsKeepGrowing() {
        MemFileSystem fs = new MemFileSystem();
        long highest;
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
            store.put(b("b"), b("1"));
            long committedAt = store.commit(offsets("t-0", 10L));
            assertEquals(store.lastRevision(), committedAt);
            store.put(b("a"), b("2"));
            store.delete(b("b"));
            highest = store.put(b("c"), b("1"));
        } // close flushes everything, including the writes after the commit
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 10L), store.committedOffsets());
            assertArrayEquals(b("1"), store.get(b("a")), "rolled back to the commit");
            assertArrayEquals(b("1"), store.get(b("b")), "the delete after the commit is rolled back");
            assertNull(store.get(b("c")));
            assertEquals(1, store.stats().revisions().rolledBackRanges());
            long next = store.put(b("d"), b("1"));
            assertTrue(next > highest, "revision " + next + " reused (highest before: " + highest + ")");
            // Reads now run above the rolled-back revisions, which must stay hidden.
            assertArrayEquals(b("1"), store.get(b("a")));
            assertArrayEquals(b("1"), store.get(b("b")));
            assertNull(store.get(b("c")));
            try (StoreIterator it = store.iterator(KeyRange.all(), true)) {
                StringBuilder seen = new StringBuilder();
                for (; it.valid(); it.next()) {
                    seen.append(new String(it.key(), StandardCharsets.UTF_8)).append('=')
                            .append(new String(it.value(), StandardCharsets.UTF_8)).append(' ');
                }
                assertEquals("d=1 b=1 a=1 ", seen.toString());
            }
            store.commit(offsets("t-0", 11L));
            EngineInvariants.check(store);
            // Compaction removes the rolled-back entries for good.
            store.compactRange(null, null);
            EngineInvariants.check(store);
            assertArrayEquals(b("1"), store.get(b("a")));
            assertArrayEquals(b("1"), store.get(b("d")));
            highest = next;
        }
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 11L), store.committedOffsets());
            assertArrayEquals(b("1"), store.get(b("a")));
            assertArrayEquals(b("1"), store.get(b("d")));
            assertTrue(store.put(b("e"), b("1")) > highest);
        }
    }

    @Test
    void aStoreNeverCommittedKeepsEveryFlushedWrite() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
        }
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            assertArrayEquals(b("1"), store.get(b("a")));
            assertEquals(Map.of(), store.committedOffsets());
            assertEquals(-1, store.stats().revisions().recovery());
        }
    }

    @Test
    void aCrashFallsBackToTheNewestCommitCoveredByFlushedData() {
        MemFileSystem fs = new MemFileSystem();
        MemFileSystem crashed;
        long highest;
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            store.put(b("k"), b("1"));
            store.commit(offsets("t-0", 1L));
            store.flush(); // commit 1 is now covered and durable
            store.put(b("k"), b("2"));
            store.commit(offsets("t-0", 2L)); // not covered: its write is only in the memtable
            store.flush();
            store.put(b("k"), b("3"));
            highest = store.put(b("x"), b("3"));
            store.commit(offsets("t-0", 3L)); // not covered and not even synced
            crashed = fs.crashClone();
        }
        try (Engine store = Engine.open(DIR, options(crashed, new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 2L), store.committedOffsets());
            assertArrayEquals(b("2"), store.get(b("k")));
            assertNull(store.get(b("x")));
            assertTrue(store.put(b("y"), b("1")) > highest, "a revision handed out before the crash was reused");
        }
    }

    @Test
    void commitsWithNoFlushedDataOpenEmptyWithNoOffsets() {
        MemFileSystem fs = new MemFileSystem();
        MemFileSystem crashed;
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
            store.flush(); // flushed, but no commit covers it
            store.put(b("b"), b("1"));
            store.commit(offsets("t-0", 1L));
            store.flush(); // commit durable, covered
            store.put(b("c"), b("1"));
            crashed = fs.crashClone();
        }
        // Sanity: the covered commit is the recovery point.
        try (Engine store = Engine.open(DIR, options(crashed.crashClone(), new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 1L), store.committedOffsets());
            assertArrayEquals(b("1"), store.get(b("b")));
        }
        // Now a store whose only commit came after its last flush.
        MemFileSystem fs2 = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs2, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
            store.flush();
            store.put(b("b"), b("1"));
            store.commit(offsets("t-0", 1L));
            store.flush(); // syncs the manifest (commit durable) but the commit is then covered...
            store.put(b("c"), b("1"));
            store.commit(offsets("t-0", 2L));
            crashed = fs2.crashClone();
        }
        try (Engine store = Engine.open(DIR, options(crashed, new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 1L), store.committedOffsets(), "the uncovered commit 2 is not used");
            assertNull(store.get(b("c")));
        }
    }

    @Test
    void firstCommitNotCoveredByAFlushOpensEmpty() throws Exception {
        MemFileSystem fs = new MemFileSystem();
        MemFileSystem crashed;
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
            store.flush();
            store.put(b("b"), b("1"));
            store.commit(offsets("t-0", 1L));
            store.put(b("c"), b("1"));
            store.flush(); // "b" and "c" in one table, which covers the commit...
            crashed = fs.crashClone();
        }
        try (Engine store = Engine.open(DIR, options(crashed, new TestClock(T0)))) {
            assertEquals(Map.of("t-0", 1L), store.committedOffsets());
            assertArrayEquals(b("1"), store.get(b("b")));
            assertNull(store.get(b("c")), "written after the commit");
        }
        // ...whereas when the commit's data never reached a table, nothing recovers it.
        MemFileSystem fs2 = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs2, new TestClock(T0)))) {
            store.put(b("a"), b("1"));
            store.flush();
            store.put(b("b"), b("1"));
            store.commit(offsets("t-0", 1L));
            store.syncManifest();
            crashed = fs2.crashClone();
        }
        try (Engine store = Engine.open(DIR, options(crashed, new TestClock(T0)))) {
            assertEquals(Map.of(), store.committedOffsets());
            assertNull(store.get(b("a")), "data no commit point describes is dropped");
            assertEquals(0, store.stats().tables().liveBytes());
        }
    }

    @Test
    void theAgeGuardRefusesAnOldRecoveryPoint() {
        MemFileSystem fs = new MemFileSystem();
        TestClock clock = new TestClock(T0);
        StoreOptions opts = options(fs, clock).toBuilder()
                .revisions(RevisionOptions.builder().tombstoneRetention(Duration.ofHours(12)).build())
                .build();
        try (Engine store = Engine.open(DIR, opts)) {
            store.put(b("a"), b("1"));
            store.commit(offsets("t-0", 1L));
        }
        clock.advance(Duration.ofHours(11));
        try (Engine store = Engine.open(DIR, opts)) {
            assertEquals(Map.of("t-0", 1L), store.committedOffsets(), "11 h is within the retention");
            store.commit(offsets("t-0", 1L)); // a fresh commit point resets the age
        }
        clock.advance(Duration.ofHours(11));
        try (Engine store = Engine.open(DIR, opts)) {
            assertEquals(Map.of("t-0", 1L), store.committedOffsets());
        }
        clock.advance(Duration.ofHours(13));
        long highest;
        try (Engine store = Engine.open(DIR, opts)) {
            assertEquals(Map.of(), store.committedOffsets(), "13 h old: restore from scratch");
            assertNull(store.get(b("a")), "the old state is gone with its offsets");
            highest = store.put(b("b"), b("2"));
            store.commit(offsets("t-0", 9L));
        }
        try (Engine store = Engine.open(DIR, opts)) {
            assertEquals(Map.of("t-0", 9L), store.committedOffsets());
            assertArrayEquals(b("2"), store.get(b("b")));
            assertTrue(store.put(b("c"), b("1")) > highest);
        }
        // ZERO turns the guard off.
        clock.advance(Duration.ofDays(30));
        StoreOptions noGuard = opts.toBuilder()
                .revisions(RevisionOptions.builder().tombstoneRetention(Duration.ZERO).build()).build();
        try (Engine store = Engine.open(DIR, noGuard)) {
            assertEquals(Map.of("t-0", 9L), store.committedOffsets());
        }
    }

    @Test
    void boundedReplayFlushesOnceTheOldestUnflushedCommitIsTooOld() {
        MemFileSystem fs = new MemFileSystem();
        StoreOptions opts = StoreOptions.builder().fileSystem(fs).memtableSizeBytes(64 << 20)
                .revisions(RevisionOptions.builder().maxReplayAge(Duration.ofMillis(50)).build())
                .build();
        try (Engine store = Engine.open(DIR, opts)) {
            store.put(b("a"), b("1"));
            long rev = store.commit(offsets("t-0", 1L));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.stats().revisions().flushed() < rev) {
                assertTrue(System.nanoTime() < deadline, "no flush after the commit point aged past 50 ms");
                Thread.onSpinWait();
            }
            assertEquals(rev, store.stats().revisions().recovery());
        }
        // Off: a commit point in a big memtable stays unflushed.
        MemFileSystem fs2 = new MemFileSystem();
        StoreOptions off = opts.toBuilder().fileSystem(fs2)
                .revisions(RevisionOptions.builder().maxReplayAge(Duration.ZERO).build()).build();
        try (Engine store = Engine.open(DIR, off)) {
            store.put(b("a"), b("1"));
            store.commit(offsets("t-0", 1L));
            long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(0, store.stats().revisions().flushed());
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void commitAfterCloseThrowsAndNullOffsetsAreRejected() {
        MemFileSystem fs = new MemFileSystem();
        Engine store = Engine.open(DIR, options(fs, new TestClock(T0)));
        assertThrows(NullPointerException.class, () -> store.commit(null));
        store.close();
        assertThrows(StoreClosedException.class, () -> store.commit(Map.of()));
        assertThrows(StoreClosedException.class, store::committedOffsets);
    }

    @Test
    void trimHistoryNeverPassesTheRecoveryPoint() {
        MemFileSystem fs = new MemFileSystem();
        StoreOptions opts = options(fs, new TestClock(T0)).toBuilder()
                .revisions(RevisionOptions.builder().historyRetentionRevisions(1_000).build()).build();
        try (Engine store = Engine.open(DIR, opts)) {
            long r1 = store.put(b("k"), b("1"));
            long committed = store.commit(offsets("t-0", 1L));
            store.flush();
            long r2 = store.put(b("k"), b("2"));
            store.put(b("k"), b("3"));
            assertEquals(committed, store.trimHistory(Long.MAX_VALUE), "capped at the recovery point");
            assertEquals(committed, store.trimHorizon());
            assertArrayEquals(b("1"), store.get(b("k"), r1));
            assertArrayEquals(b("2"), store.get(b("k"), r2));
            assertThrows(RevisionTrimmedException.class, () -> store.get(b("k"), r1 - 1));
            store.compactRange(null, null);
            assertArrayEquals(b("1"), store.get(b("k"), committed), "the recovery point stays readable");
            assertArrayEquals(b("2"), store.get(b("k"), r2));
            long later = store.commit(offsets("t-0", 2L));
            store.flush();
            assertEquals(later, store.trimHistory(later));
            assertThrows(RevisionTrimmedException.class, () -> store.get(b("k"), r2));
            assertEquals(later, store.trimHistory(committed), "the horizon never moves back");
            assertEquals(later, store.trimHorizon());
        }
        try (Engine store = Engine.open(DIR, opts)) {
            assertTrue(store.trimHorizon() >= 0);
            assertThrows(IllegalArgumentException.class, () -> store.get(b("k"), store.lastRevision() + 1));
        }
    }

    @Test
    void withoutHistoryOnlyTheLatestRevisionIsReadable() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine store = Engine.open(DIR, options(fs, new TestClock(T0)))) {
            long r1 = store.put(b("k"), b("1"));
            long r2 = store.put(b("k"), b("2"));
            assertArrayEquals(b("2"), store.get(b("k"), r2));
            RevisionTrimmedException e = assertThrows(RevisionTrimmedException.class, () -> store.get(b("k"), r1));
            assertTrue(e.getMessage().contains("keeps no history"), e.getMessage());
            assertEquals(r2, store.trimHorizon());
            try (StoreIterator it = store.iterator(KeyRange.all(), false, r2)) {
                assertTrue(it.valid());
                assertArrayEquals(b("2"), it.value());
                it.next();
                assertFalse(it.valid());
            }
        }
    }
}
