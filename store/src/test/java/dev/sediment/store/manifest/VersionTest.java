package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionTest {
    static FileMetadata file(long number, String smallest, long smallestRev, String largest, long largestRev,
                             long minRev, long maxRev, long size) {
        return new FileMetadata(number, size, smallest.getBytes(StandardCharsets.UTF_8),
                InternalKeys.trailer(smallestRev, KeyKind.PUT), largest.getBytes(StandardCharsets.UTF_8),
                InternalKeys.trailer(largestRev, KeyKind.DELETE), minRev, maxRev, 10, 1);
    }

    static CommitPoint cp(long revision) {
        return new CommitPoint(revision, Map.of("p", revision), new byte[0], revision);
    }

    private static Version apply(Version base, VersionEdit.Builder edit) {
        return VersionBuilder.apply(base, edit.build(), -1);
    }

    @Test
    void levelsAreOrderedAndSized() {
        Version v = apply(Version.empty(), VersionEdit.builder()
                .addFile(0, file(3, "a", 5, "z", 1, 1, 5, 100))
                .addFile(0, file(4, "b", 9, "c", 6, 6, 9, 200))
                .addFile(0, file(2, "b", 9, "c", 6, 6, 9, 50))
                .addFile(1, file(9, "m", 2, "p", 1, 1, 2, 1000))
                .addFile(1, file(7, "a", 5, "f", 2, 2, 5, 1229)));
        assertEquals(List.of(4L, 2L, 3L), v.files(0).stream().map(FileMetadata::fileNumber).toList());
        assertEquals(List.of(7L, 9L), v.files(1).stream().map(FileMetadata::fileNumber).toList());
        assertEquals(350, v.levelBytes(0));
        assertEquals(2229, v.levelBytes(1));
        assertEquals(0, v.levelBytes(2));
        assertEquals("L0: 4[b#9,PUT..c#6,DELETE rev 6..9 200B] 2[b#9,PUT..c#6,DELETE rev 6..9 50B]"
                        + " 3[a#5,PUT..z#1,DELETE rev 1..5 100B]\n"
                        + "L1: 7[a#5,PUT..f#2,DELETE rev 2..5 1.2KB] 9[m#2,PUT..p#1,DELETE rev 1..2 1000B]\n",
                v.toDebugString());
        assertEquals("(empty)\n", Version.empty().toDebugString());
        assertThrows(UnsupportedOperationException.class, () -> v.files(1).clear());
        assertEquals(9, v.lastRevision(), "added files' max revisions count as assigned");
    }

    @Test
    void deletionsApplyBeforeAdditions() {
        Version v = apply(Version.empty(), VersionEdit.builder().addFile(1, file(7, "a", 2, "b", 1, 1, 2, 10)));
        Version moved = apply(v, VersionEdit.builder().deleteFile(1, 7).addFile(2, v.files(1).get(0)));
        assertTrue(moved.files(1).isEmpty());
        assertEquals(7, moved.files(2).get(0).fileNumber());
        assertThrows(IllegalStateException.class, () -> apply(moved, VersionEdit.builder().deleteFile(1, 7)));
        assertThrows(IllegalStateException.class,
                () -> apply(moved, VersionEdit.builder().addFile(3, file(7, "x", 2, "y", 1, 1, 2, 1))));
        assertThrows(IllegalStateException.class, () -> VersionBuilder.apply(moved,
                VersionEdit.builder().addFile(3, file(8, "x", 2, "y", 1, 1, 2, 1)).build(), 8));
    }

    @Test
    void revisionsOnlyGrow() {
        Version v = apply(Version.empty(), VersionEdit.builder().flushedRevision(10).trimHorizon(4).lastRevision(12));
        Version w = apply(v, VersionEdit.builder().flushedRevision(3).trimHorizon(1).lastRevision(2));
        assertEquals(10, w.flushedRevision());
        assertEquals(4, w.trimHorizon());
        assertEquals(12, w.lastRevision());
        Version x = apply(w, VersionEdit.builder().addCommitPoint(cp(20)).addRolledBack(new RevisionRange(21, 30)));
        assertEquals(30, x.lastRevision());
        assertEquals(List.of(new RevisionRange(21, 30)), x.rolledBack());
    }

    @Test
    void commitPointsAreBounded() {
        int max = Version.MAX_UNFLUSHED_COMMIT_POINTS;
        Version v = Version.empty();
        for (long rev = 1; rev <= max + 50; rev++) {
            v = apply(v, VersionEdit.builder().addCommitPoint(cp(rev)));
        }
        // Nothing flushed: no candidate at or below 0; the newest `max` above it are kept.
        assertEquals(max, v.commitPoints().size());
        assertEquals(51, v.commitPoints().get(0).revision());
        assertEquals(max + 50, v.commitPoints().get(max - 1).revision());

        // Flushing up to 100 keeps only the newest commit point at or below it, plus all above.
        v = apply(v, VersionEdit.builder().flushedRevision(100));
        assertEquals(100, v.commitPoints().get(0).revision());
        assertEquals(List.of(), v.commitPoints().stream().filter(c -> c.revision() < 100).toList());
        assertEquals(1 + (max + 50 - 100), v.commitPoints().size());

        // Past the newest: exactly one commit point is left, the recovery point candidate.
        v = apply(v, VersionEdit.builder().flushedRevision(10_000));
        assertEquals(List.of(cp(max + 50)), v.commitPoints());

        // Bounding is idempotent, so a snapshot of the bounded list replays to the same list.
        List<CommitPoint> many = new ArrayList<>();
        for (long rev = 1; rev < 1000; rev++) {
            many.add(cp(rev));
        }
        List<CommitPoint> once = VersionBuilder.bound(many, 500);
        assertEquals(1 + max, once.size());
        assertEquals(500, once.get(0).revision());
        assertEquals(1000 - max, once.get(1).revision());
        assertEquals(once, VersionBuilder.bound(once, 500));
    }

    @Test
    void refCounting() {
        Version v = apply(Version.empty(), VersionEdit.builder());
        assertEquals(0, v.refs());
        v.ref();
        v.ref();
        assertFalse(v.unref());
        assertTrue(v.unref());
        assertThrows(IllegalStateException.class, v::unref);
        assertEquals(0, v.refs());
    }

    @Test
    void humanBytes() {
        assertEquals("0B", Version.humanBytes(0));
        assertEquals("1023B", Version.humanBytes(1023));
        assertEquals("1.0KB", Version.humanBytes(1024));
        assertEquals("1.5MB", Version.humanBytes(3L << 19));
    }
}
