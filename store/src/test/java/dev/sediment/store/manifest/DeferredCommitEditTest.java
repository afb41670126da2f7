package dev.sediment.store.manifest;

import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commit edits logged without a sync are kept in the manifest writer until the next synced edit, sync,
 * rotation or close once a commit point is on file (a commit then costs no system call). What a crash
 * may lose is only ever the newest commit points: records reach the file in the order they were logged,
 * and a store that committed once always finds a commit point after a process crash.
 */
class DeferredCommitEditTest {
    private static final Path DIR = Path.of("/deferred/store");
    private static final long BIG = 1 << 20;

    private static VersionEdit commit(long revision, long offset) {
        return VersionEdit.builder()
                .addCommitPoint(new CommitPoint(revision, Map.of("topic-0", offset), new byte[] {1}, offset)).build();
    }

    private static long manifestBytes(MemFileSystem fs, VersionSet vs) {
        return fs.fileBytes(FileNames.manifest(DIR, vs.manifestFileNumber())).length;
    }

    /** What a process crash (SIGKILL) leaves: every written byte. */
    private static Version afterProcessCrash(MemFileSystem fs) throws IOException {
        try (VersionSet vs = VersionSet.open(fs.killClone(), DIR, BIG, false)) {
            return vs.current();
        }
    }

    private static Version afterPowerLoss(MemFileSystem fs) throws IOException {
        try (VersionSet vs = VersionSet.open(fs.crashClone(), DIR, BIG, false)) {
            return vs.current();
        }
    }

    private static long lastOffset(Version v) {
        return v.lastCommitPoint() == null ? -1 : v.lastCommitPoint().offsets().get("topic-0");
    }

    @Test
    void theFirstCommitPointIsWrittenAtOnceAndLaterOnesWaitForTheNextSync() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        VersionSet vs = VersionSet.open(fs, DIR, BIG, true);
        long empty = manifestBytes(fs, vs);
        vs.logAndApply(commit(0, 1), false);
        long first = manifestBytes(fs, vs);
        assertTrue(first > empty, "the first commit point is written");
        assertEquals(1, lastOffset(afterProcessCrash(fs)), "a process crash finds it");

        vs.logAndApply(commit(0, 2), false);
        vs.logAndApply(commit(0, 3), false);
        assertEquals(first, manifestBytes(fs, vs), "later commit points wait in the writer");
        assertEquals(3, lastOffset(vs.current()));
        assertEquals(1, lastOffset(afterProcessCrash(fs)), "a process crash loses only the newest ones");

        vs.sync();
        assertTrue(manifestBytes(fs, vs) > first, "a sync writes them");
        Version replayed = afterPowerLoss(fs);
        assertEquals(3, lastOffset(replayed), "and makes them durable");
        assertEquals(vs.current().commitPoints(), replayed.commitPoints(), "all of them, in order");
        vs.close();
    }

    @Test
    void aSyncedEditWritesTheDeferredCommitPointsBeforeItself() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        VersionSet vs = VersionSet.open(fs, DIR, BIG, true);
        vs.logAndApply(commit(0, 1), false);
        vs.logAndApply(commit(0, 2), false);
        vs.logAndApply(commit(0, 3), false);
        Version synced = vs.logAndApply(VersionEdit.builder().lastRevision(10).build());
        Version replayed = afterPowerLoss(fs);
        assertEquals(synced.commitPoints(), replayed.commitPoints());
        assertEquals(10, replayed.lastRevision());
        vs.close();
    }

    @Test
    void closeWritesTheDeferredCommitPoints() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        VersionSet vs = VersionSet.open(fs, DIR, BIG, true);
        vs.logAndApply(commit(0, 1), false);
        vs.logAndApply(commit(0, 2), false);
        vs.close();
        assertEquals(2, lastOffset(afterProcessCrash(fs)));
    }

    @Test
    void deferredCommitPointsAreWrittenOnceTheyFillTheBuffer() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        try (VersionSet vs = VersionSet.open(fs, DIR, BIG, true)) {
            vs.logAndApply(commit(0, 0), false);
            long first = manifestBytes(fs, vs);
            int commits = 0;
            while (manifestBytes(fs, vs) == first) {
                vs.logAndApply(commit(0, ++commits), false);
                assertTrue(commits < ManifestWriter.MAX_DEFERRED_BYTES, "never written without a sync");
            }
            long written = manifestBytes(fs, vs) - first;
            assertTrue(written >= ManifestWriter.MAX_DEFERRED_BYTES, written + " bytes written");
            assertEquals(commits, lastOffset(afterProcessCrash(fs)));
        }
    }

    @Test
    void aStoreThatNeverCommittedWritesItsFirstCommitPointAfterReopen() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        VersionSet.open(fs, DIR, BIG, true).close();
        VersionSet vs = VersionSet.open(fs, DIR, BIG, false);
        vs.logAndApply(commit(0, 5), false);
        assertEquals(5, lastOffset(afterProcessCrash(fs)));
        vs.close();
    }

    /**
     * Random commits (unsynced), synced edits, syncs and reopens with a tiny manifest limit (frequent
     * rotations): after a power loss the last commit point is exactly the last durable one; after a process
     * crash it is one that was logged, no older than that, and the commit points found are a prefix of the
     * logged ones.
     */
    @Test
    void randomCommitsSyncsAndCrashesLoseOnlyTheNewestCommitPoints() throws IOException {
        long seed = Seeds.seed("DeferredCommitEditTest");
        Random rnd = new Random(seed);
        int rounds = 40 * Seeds.multiplier();
        MemFileSystem fs = new MemFileSystem();
        VersionSet vs = VersionSet.open(fs, DIR, 600, true);
        List<Long> logged = new ArrayList<>();
        long durable = -1;
        long revision = 0;
        long offset = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                String where = "seed=" + seed + " round " + round;
                int ops = 1 + rnd.nextInt(30);
                for (int i = 0; i < ops; i++) {
                    int op = rnd.nextInt(10);
                    if (op < 7) {
                        vs.logAndApply(commit(revision, ++offset), false);
                        logged.add(offset);
                    } else if (op < 9) {
                        vs.logAndApply(VersionEdit.builder().lastRevision(++revision).build());
                        durable = logged.isEmpty() ? -1 : logged.get(logged.size() - 1);
                    } else {
                        vs.sync();
                        durable = logged.isEmpty() ? -1 : logged.get(logged.size() - 1);
                    }
                }
                assertEquals(durable, lastOffset(afterPowerLoss(fs)), where + ": after a power loss");
                MemFileSystem afterKill = fs.killClone();
                vs.close(); // the process is gone: its deferred points are lost; go on from what the kill left
                fs = afterKill;
                vs = VersionSet.open(fs, DIR, 600, false);
                Version killed = vs.current();
                long found = lastOffset(killed);
                assertTrue(found >= durable, where + ": " + found + " older than the durable " + durable);
                if (!logged.isEmpty()) {
                    assertNotNull(killed.lastCommitPoint(), where + ": a store that committed finds a commit point");
                    assertTrue(logged.contains(found), where + ": " + found + " was never logged");
                } else {
                    assertNull(killed.lastCommitPoint(), where);
                }
                logged = new ArrayList<>(logged.subList(0, logged.indexOf(found) + 1));
                durable = found;
            }
        } finally {
            vs.close();
        }
    }
}
