package dev.sediment.store.engine;

import dev.sediment.store.Compression;
import dev.sediment.store.KeyRange;
import dev.sediment.store.RevisionOptions;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The commit-point crash oracle (design §5 invariants 1–4). A deterministic stream of records — record
 * {@code i} is a function of {@code i} alone, as a changelog is — is written with a commit of
 * {@code {"tp": i}} every few records, while small memtables and tiny levels keep flushes, compactions
 * and manifest rotations running. The file system "crashes" after operation {@code n}, for hundreds of
 * {@code n}. After each crash the reopened store must report offsets that were committed, no older than
 * the last commit a returned flush() covered, and hold exactly the state after records {@code 0..c} —
 * nothing after, nothing missing. Then the caller replays from {@code c + 1}, as Kafka Streams would, is
 * crashed again, and checked again.
 */
@Timeout(600)
class CommitCrashTest {
    private static final Path DIR = Path.of("/commit-crash/store");
    private static final String TP = "changelog-0";
    private static final int RECORDS = 600;
    private static final int COMMIT_EVERY = 7;
    private static final int FLUSH_EVERY_COMMITS = 9;
    private static final java.util.concurrent.atomic.AtomicReference<Throwable> INVARIANT_FAILURE =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** What the writer saw: offsets it committed, and the newest one a returned flush() covered. */
    private static final class Witness {
        final Set<Long> committed = ConcurrentHashMap.newKeySet();
        volatile long ackedCommit = Long.MIN_VALUE;
        volatile long maxRevision;
    }

    private static StoreOptions options(MemFileSystem fs) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(2048)
                .maxImmutableMemtables(2)
                .blockSizeBytes(256)
                .compression(Compression.NONE)
                .maxManifestBytes(700)
                .compaction(EngineRandomizedTest.tinyCompaction(new Random(7)))
                .revisions(RevisionOptions.builder().maxReplayAge(Duration.ZERO).build())
                .build();
    }

    static byte[] key(long i) {
        return ("k" + Math.floorMod(i * 2654435761L, 53)).getBytes(StandardCharsets.UTF_8);
    }

    /** Record i's value, or null for a delete. */
    static byte[] value(long i) {
        return i % 7 == 3 ? null : ("v" + i + "-" + "x".repeat((int) (i % 40))).getBytes(StandardCharsets.UTF_8);
    }

    static TreeMap<byte[], byte[]> stateAfter(long lastRecord) {
        TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        for (long i = 0; i <= lastRecord; i++) {
            byte[] v = value(i);
            if (v == null) {
                m.remove(key(i));
            } else {
                m.put(key(i), v);
            }
        }
        return m;
    }

    /** Writes records from {@code start} to RECORDS - 1, committing as it goes, until done or crashed. */
    private static void runWriter(MemFileSystem fs, long start, Witness w) {
        Engine store;
        try {
            store = Engine.open(DIR, options(fs));
        } catch (RuntimeException crashed) {
            return;
        }
        // The level and rolled-back invariants after every compaction (violations only: once the file
        // system has crashed, reading tables fails with I/O errors, which are not violations).
        store.setCompactionListener(e -> {
            try {
                EngineInvariants.check(e);
            } catch (IllegalStateException violation) {
                INVARIANT_FAILURE.compareAndSet(null, violation);
            } catch (RuntimeException crashed) {
                // the crash, not a violation
            }
        });
        try {
            if (start == 0) {
                store.commit(Map.of(TP, -1L)); // "nothing applied yet": the store is a replica from here on
                w.committed.add(-1L);
            }
            long i = start;
            int commits = 0;
            while (i < RECORDS) {
                long end = Math.min(RECORDS, i + 1 + (i % 5 == 0 ? 4 : 0)); // some multi-record batches
                long rev;
                if (end - i == 1) {
                    rev = value(i) == null ? store.delete(key(i)) : store.put(key(i), value(i));
                } else {
                    WriteBatch b = new WriteBatch();
                    for (long j = i; j < end; j++) {
                        if (value(j) == null) {
                            b.delete(key(j));
                        } else {
                            b.put(key(j), value(j));
                        }
                    }
                    rev = store.write(b);
                }
                w.maxRevision = Math.max(w.maxRevision, rev);
                long before = i;
                i = end;
                if (before / COMMIT_EVERY != end / COMMIT_EVERY) {
                    long c = i - 1;
                    w.committed.add(c); // before the call: a crash inside it may or may not keep it
                    store.commit(Map.of(TP, c));
                    if (++commits % FLUSH_EVERY_COMMITS == 0) {
                        store.flush();
                        w.ackedCommit = c;
                    }
                }
            }
            long last = RECORDS - 1;
            w.committed.add(last);
            store.commit(Map.of(TP, last));
            store.close();
            w.ackedCommit = last;
        } catch (RuntimeException crashed) {
            try {
                store.close();
            } catch (RuntimeException ignored) {
                // the file system is gone
            }
        }
    }

    /** Reopens a crashed store, checks the oracle and returns the recovered offset (RECORDS - 1 when done). */
    private static long verify(MemFileSystem fs, Witness w, String where) {
        try (Engine store = Engine.open(DIR, options(fs))) {
            Map<String, Long> offsets = store.committedOffsets();
            long c;
            if (offsets.isEmpty()) {
                assertTrue(w.ackedCommit == Long.MIN_VALUE, where + ": no offsets after commit " + w.ackedCommit
                        + " was covered by a returned flush");
                c = -1;
            } else {
                c = offsets.get(TP);
                assertTrue(w.committed.contains(c), where + ": offset " + c + " was never committed");
                assertTrue(c >= w.ackedCommit, where + ": offset " + c + " is older than " + w.ackedCommit
                        + ", covered by a returned flush");
            }
            TreeMap<byte[], byte[]> expected = stateAfter(c);
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                EngineRandomizedTest.compare(it, expected, where + " at offset " + c);
            }
            for (long i = 0; i < 53; i++) {
                byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
                byte[] want = expected.get(k);
                byte[] got = store.get(k);
                if (!Arrays.equals(want, got)) {
                    fail(where + ": get k" + i + " at offset " + c);
                }
            }
            EngineInvariants.check(store);
            long rev = store.put("probe".getBytes(StandardCharsets.UTF_8), new byte[1]);
            assertTrue(rev > w.maxRevision, where + ": revision " + rev + " reused (max before " + w.maxRevision + ")");
            // Reads now run above every rolled-back revision: those must stay hidden.
            expected.put("probe".getBytes(StandardCharsets.UTF_8), new byte[1]);
            try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
                EngineRandomizedTest.compare(it, expected, where + " at offset " + c + " after a new write");
            }
            store.delete("probe".getBytes(StandardCharsets.UTF_8));
            w.maxRevision = rev + 1;
            // Leave the probe uncommitted: the next open rolls it back, which the next check also covers.
            return c;
        } finally {
            fs.assertNoOpenHandles();
        }
    }

    @Test
    void reopensAtACommittedOffsetWithExactlyItsStateAtEveryCrashPoint() {
        long seed = Seeds.seed("CommitCrashTest");
        MemFileSystem counting = new MemFileSystem();
        runWriter(counting, 0, new Witness());
        long total = counting.operationCount();
        assertTrue(total > 200, "workload too small: " + total + " operations");
        int points = (int) Math.min(total, 250L * Seeds.multiplier());
        Random rnd = new Random(seed);
        int checked = 0;
        int rolledBack = 0;
        for (int p = 1; p <= points; p++) {
            long crashAt = Math.max(1, total * p / points);
            MemFileSystem fs = new MemFileSystem();
            fs.crashAfterOperations(crashAt);
            Witness w = new Witness();
            runWriter(fs, 0, w);
            MemFileSystem after = fs.crashedState();
            if (after == null) {
                continue;
            }
            String where = "seed=" + seed + " crash at op " + crashAt + " of " + total;
            try {
                long c = verify(after, w, where);
                // Replay from c + 1 as Kafka Streams would, crash again somewhere, check again.
                w.ackedCommit = Long.MIN_VALUE;
                after.crashAfterOperations(after.operationCount() + 1 + rnd.nextInt((int) Math.max(1, total / 2)));
                runWriter(after, c + 1, w);
                MemFileSystem again = after.crashedState();
                if (again == null) {
                    after.crashAfterOperations(Long.MAX_VALUE); // the replay finished before its crash point
                    again = after;
                }
                long c2 = verify(again, w, where + ", then replay from " + (c + 1) + " crashed");
                if (c2 < RECORDS - 1) {
                    // Finish the stream without crashing: it must end exactly at the last record.
                    w.ackedCommit = Long.MIN_VALUE;
                    runWriter(again, c2 + 1, w);
                    assertEquals(RECORDS - 1, verify(again, w, where + ", then replay to the end"));
                }
                if (c < RECORDS - 1) {
                    rolledBack++;
                }
            } catch (AssertionError | RuntimeException e) {
                fail(where + ": " + e, e);
            }
            checked++;
        }
        if (INVARIANT_FAILURE.get() != null) {
            fail("seed=" + seed + ": invariant violated after a compaction", INVARIANT_FAILURE.get());
        }
        assertTrue(checked > points / 2, "only " + checked + " of " + points + " crash points were reached");
        assertTrue(rolledBack > checked / 2, "only " + rolledBack + " of " + checked + " crashes recovered mid-stream");
    }
}
