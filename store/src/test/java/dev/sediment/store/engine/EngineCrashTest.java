package dev.sediment.store.engine;

import dev.sediment.store.Compression;
import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crashes the store at hundreds of file-system operations (mid-write, mid-flush, mid-manifest
 * rotation) on a {@link MemFileSystem} that keeps only synced bytes and synced directory entries,
 * then reopens and checks the oracle: the store holds exactly the writes up to its recovered
 * revision R — no torn batch, nothing after R, nothing before R missing — and R is at least the
 * revision of the last flush that returned. Then writing resumes and the store is checked again.
 */
@Timeout(300)
class EngineCrashTest {
    private static final Path DIR = Path.of("/crash/store");

    /** One logged write: keys and values (null = delete) of one batch, ending at {@code revision}. */
    private record Logged(long revision, List<byte[]> keys, List<byte[]> values) {
    }

    private static final class Workload {
        final List<Logged> log = new ArrayList<>();
        final Set<Long> batchEnds = new HashSet<>();
        long ackedFlushRevision;
    }

    private static StoreOptions options(MemFileSystem fs) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(1 << 20) // only explicit flushes: keeps crash points deterministic
                .blockSizeBytes(256)
                .compression(Compression.NONE)
                .maxManifestBytes(300) // rotate often
                .build();
    }

    /** Runs the deterministic workload until it ends or the file system "crashes". */
    private static void runWorkload(MemFileSystem fs, long seed, Workload w) {
        Random rnd = new Random(seed);
        Engine store;
        try {
            store = Engine.open(DIR, options(fs));
        } catch (RuntimeException e) {
            return; // crashed during open
        }
        try {
            for (int step = 0; step < 240; step++) {
                int op = rnd.nextInt(10);
                List<byte[]> keys = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                int n = op < 2 ? 1 + rnd.nextInt(8) : 1;
                for (int i = 0; i < n; i++) {
                    keys.add(new byte[]{(byte) rnd.nextInt(40)});
                    values.add(rnd.nextInt(5) == 0 ? null : ("v" + step + "." + i).getBytes());
                }
                long rev;
                if (n == 1 && values.get(0) == null) {
                    rev = store.delete(keys.get(0));
                } else if (n == 1) {
                    rev = store.put(keys.get(0), values.get(0));
                } else {
                    WriteBatch b = new WriteBatch();
                    for (int i = 0; i < n; i++) {
                        if (values.get(i) == null) {
                            b.delete(keys.get(i));
                        } else {
                            b.put(keys.get(i), values.get(i));
                        }
                    }
                    rev = store.write(b);
                }
                w.log.add(new Logged(rev, keys, values));
                w.batchEnds.add(rev);
                if (step % 20 == 19) {
                    store.flush();
                    w.ackedFlushRevision = rev;
                }
            }
            store.close();
            w.ackedFlushRevision = w.log.get(w.log.size() - 1).revision();
        } catch (RuntimeException crashed) {
            try {
                store.close();
            } catch (RuntimeException ignored) {
                // the file system is gone
            }
        }
    }

    /** The state after every logged write with revision at or below {@code revision}. */
    private static TreeMap<byte[], byte[]> stateAt(List<Logged> log, long revision) {
        TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        for (Logged l : log) {
            if (l.revision() > revision) {
                break;
            }
            for (int i = 0; i < l.keys().size(); i++) {
                if (l.values().get(i) == null) {
                    m.remove(l.keys().get(i));
                } else {
                    m.put(l.keys().get(i), l.values().get(i));
                }
            }
        }
        return m;
    }

    @Test
    void recoversExactlyAFlushedPrefixAtEveryCrashPoint() {
        long seed = Seeds.seed("EngineCrashTest");
        MemFileSystem counting = new MemFileSystem();
        runWorkload(counting, seed, new Workload());
        long total = counting.operationCount();
        assertTrue(total > 100, "workload too small: " + total + " operations");
        int points = (int) Math.min(total, 300L * Seeds.multiplier());
        int checked = 0;
        for (int i = 1; i <= points; i++) {
            long crashAt = Math.max(1, total * i / points);
            MemFileSystem fs = new MemFileSystem();
            fs.crashAfterOperations(crashAt);
            Workload w = new Workload();
            runWorkload(fs, seed, w);
            MemFileSystem after = fs.crashedState();
            if (after == null) {
                continue; // timing moved the crash point past the end
            }
            String where = "seed=" + seed + " crash at op " + crashAt + " of " + total;
            try {
                verifyAndResume(after, w, where);
            } catch (AssertionError | RuntimeException e) {
                fail(where + ": " + e, e);
            }
            checked++;
        }
        assertTrue(checked > points / 2, "only " + checked + " of " + points + " crash points were reached");
    }

    private static void verifyAndResume(MemFileSystem fs, Workload w, String where) {
        long recovered;
        try (Engine store = Engine.open(DIR, options(fs))) {
            recovered = store.lastRevision();
            assertTrue(recovered >= w.ackedFlushRevision, where + ": recovered revision " + recovered
                    + " is below the acknowledged flush at " + w.ackedFlushRevision);
            assertTrue(recovered == 0 || w.batchEnds.contains(recovered), where + ": recovered revision " + recovered
                    + " is inside a batch (torn batch)");
            TreeMap<byte[], byte[]> expected = stateAt(w.log, recovered);
            checkEquals(store, expected, where);
            EngineInvariants.check(store);
            // Resume writing from the recovered state, then verify across a clean reopen.
            long rev = 0;
            for (int i = 0; i < 30; i++) {
                byte[] k = {(byte) (i % 7)};
                byte[] v = ("resumed" + i).getBytes();
                rev = store.put(k, v);
                assertTrue(rev > recovered, where + ": revision reused after recovery");
                expected.put(k, v);
            }
            store.flush();
            checkEquals(store, expected, where + " after resume");
            store.close();
            try (Engine again = Engine.open(DIR, options(fs))) {
                assertEquals(rev, again.lastRevision(), where + " revision after reopen");
                checkEquals(again, expected, where + " after resume and reopen");
                EngineInvariants.check(again);
            }
        }
        fs.assertNoOpenHandles();
    }

    private static void checkEquals(Engine store, TreeMap<byte[], byte[]> expected, String where) {
        try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
            EngineRandomizedTest.compare(it, expected, where);
        }
        for (var e : expected.entrySet()) {
            byte[] got = store.get(e.getKey());
            if (!Arrays.equals(e.getValue(), got)) {
                fail(where + ": get " + InternalKeys.printable(e.getKey()));
            }
        }
    }
}
