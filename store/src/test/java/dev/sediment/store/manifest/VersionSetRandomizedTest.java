package dev.sediment.store.manifest;

import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random edits through logAndApply with a tiny manifest limit (frequent rotation) and reopens at
 * random points, checked against a simple model: the reopened version equals the in-memory one, file
 * numbers are never reused, and only the live manifest remains.
 */
class VersionSetRandomizedTest {
    @TempDir
    Path dir;

    /** What the state should be, kept independently of VersionBuilder. */
    private static final class Model {
        final Map<Long, Integer> levelOf = new HashMap<>();
        long flushed;
        long trim;
        long last;
        List<CommitPoint> commitPoints = new ArrayList<>();
        final List<RevisionRange> rolledBack = new ArrayList<>();

        void apply(VersionEdit e) {
            e.deletedFiles().forEach(d -> levelOf.remove(d.fileNumber()));
            e.newFiles().forEach(n -> levelOf.put(n.file().fileNumber(), n.level()));
            e.newFiles().forEach(n -> last = Math.max(last, n.file().maxRevision()));
            flushed = Math.max(flushed, e.flushedRevision());
            trim = Math.max(trim, e.trimHorizon());
            last = Math.max(last, Math.max(e.lastRevision(), flushed));
            e.commitPoints().forEach(c -> last = Math.max(last, c.revision()));
            e.rolledBack().forEach(r -> last = Math.max(last, r.to()));
            rolledBack.addAll(e.rolledBack());
            // Commit points inside a newly rolled-back range describe states that no longer exist.
            List<CommitPoint> all = new ArrayList<>(commitPoints.stream()
                    .filter(c -> e.rolledBack().stream().noneMatch(r -> r.contains(c.revision()))).toList());
            all.addAll(e.commitPoints());
            // The newest at or below flushed, and the newest MAX above it, in log order.
            CommitPoint candidate = null;
            List<CommitPoint> above = new ArrayList<>();
            for (CommitPoint c : all) {
                if (c.revision() <= flushed) {
                    candidate = c;
                } else {
                    above.add(c);
                }
            }
            Set<CommitPoint> keep = Collections.newSetFromMap(new IdentityHashMap<>());
            keep.addAll(above.subList(Math.max(0, above.size() - Version.MAX_UNFLUSHED_COMMIT_POINTS), above.size()));
            if (candidate != null) {
                keep.add(candidate);
            }
            commitPoints = all.stream().filter(keep::contains).toList();
        }

        void check(Version v) {
            Map<Long, Integer> actual = new HashMap<>();
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (FileMetadata f : v.files(level)) {
                    actual.put(f.fileNumber(), level);
                }
            }
            assertEquals(levelOf, actual);
            assertEquals(flushed, v.flushedRevision());
            assertEquals(trim, v.trimHorizon());
            assertEquals(last, v.lastRevision());
            assertEquals(commitPoints, v.commitPoints());
            assertEquals(rolledBack, v.rolledBack());
        }
    }

    @Test
    void replayEqualsInMemoryAcrossReopenAndRotation() throws IOException {
        long seed = RandomEdits.seed("VersionSetRandomizedTest");
        Random rnd = new Random(seed);
        RandomEdits gen = new RandomEdits(rnd);
        long maxManifestBytes = 1 + rnd.nextInt(2000);
        int steps = 600 * Integer.getInteger("tests.multiplier", 1);
        Model model = new Model();
        Set<Long> numbers = new HashSet<>();
        long revision = 0;
        int rotations = 0;
        int reopens = 0;

        VersionSet vs = VersionSet.open(DiskFileSystem.instance(), dir, maxManifestBytes, true);
        try {
            assertTrue(numbers.add(vs.manifestFileNumber()));
            for (int step = 0; step < steps; step++) {
                String at = "seed " + seed + " step " + step;
                if (rnd.nextInt(30) == 0) {
                    Version before = vs.current();
                    vs.close();
                    vs = VersionSet.open(DiskFileSystem.instance(), dir, maxManifestBytes, false);
                    reopens++;
                    assertEquals(before.stateDebugString(), vs.current().stateDebugString(), at);
                    for (int level = 0; level < Version.NUM_LEVELS; level++) {
                        assertEquals(before.files(level), vs.current().files(level), at);
                    }
                    assertEquals(before.commitPoints(), vs.current().commitPoints(), at);
                    assertEquals(model.last, vs.lastRevision(), at);
                    assertTrue(numbers.add(vs.manifestFileNumber()), at + ": manifest number reused");
                    assertEquals(List.of(FileNames.manifestName(vs.manifestFileNumber())), VersionSetTest.manifests(dir), at);
                }

                VersionEdit.Builder edit = VersionEdit.builder();
                List<long[]> live = RandomEdits.liveFiles(vs.current());
                Collections.shuffle(live, rnd);
                for (long[] f : live.subList(0, Math.min(live.size(), rnd.nextInt(3)))) {
                    int level = (int) f[0];
                    edit.deleteFile(level, f[1]);
                    if (rnd.nextInt(3) == 0 && level < Version.NUM_LEVELS - 1) {
                        FileMetadata meta = vs.current().files(level).stream()
                                .filter(m -> m.fileNumber() == f[1]).findFirst().orElseThrow();
                        edit.addFile(level + 1, meta); // a trivial move
                    }
                }
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    long n = vs.newFileNumber();
                    assertTrue(numbers.add(n), at + ": file number " + n + " reused");
                    edit.addFile(rnd.nextInt(Version.NUM_LEVELS), gen.file(n));
                }
                if (rnd.nextInt(5) == 0) {
                    assertTrue(numbers.add(vs.newFileNumber()), at); // allocated, never logged
                }
                revision += rnd.nextInt(40);
                if (rnd.nextInt(3) == 0) {
                    edit.flushedRevision(Math.max(0, revision - rnd.nextInt(100))); // sometimes below the current one
                }
                if (rnd.nextInt(4) == 0) {
                    edit.lastRevision(revision);
                }
                if (rnd.nextInt(6) == 0) {
                    edit.trimHorizon(Math.max(0, revision - 200 - rnd.nextInt(100)));
                }
                int commits = rnd.nextInt(20) == 0 ? 40 + rnd.nextInt(100) : rnd.nextInt(3);
                for (int i = 0; i < commits; i++) {
                    edit.addCommitPoint(gen.commitPoint(revision + i / 10));
                }
                if (rnd.nextInt(25) == 0) {
                    edit.addRolledBack(new RevisionRange(revision + 1, revision + 1 + rnd.nextInt(50)));
                }
                VersionEdit e = edit.build();
                long manifestBefore = vs.manifestFileNumber();
                Version v = vs.logAndApply(e);
                if (vs.manifestFileNumber() != manifestBefore) {
                    rotations++;
                    assertTrue(numbers.add(vs.manifestFileNumber()), at + ": manifest number reused");
                }
                model.apply(e);
                model.check(v);
            }
            Version before = vs.current();
            vs.close();
            vs = VersionSet.open(DiskFileSystem.instance(), dir, maxManifestBytes, false);
            assertEquals(before.stateDebugString(), vs.current().stateDebugString());
            model.check(vs.current());
            assertEquals(List.of(FileNames.manifestName(vs.manifestFileNumber())), VersionSetTest.manifests(dir));
            System.out.println("VersionSetRandomizedTest: " + steps + " edits, " + reopens + " reopens, " + rotations
                    + " rotations, maxManifestBytes " + maxManifestBytes);
            assertTrue(rotations > 0, "seed " + seed + ": rotation never happened");
        } finally {
            vs.close();
        }
    }
}
