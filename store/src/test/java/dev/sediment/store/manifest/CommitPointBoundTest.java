package dev.sediment.store.manifest;

import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A commit's edit takes the fast path of {@link VersionBuilder#apply}: the result must be exactly what
 * the general path gives (the bounded commit points, files shared, not rebuilt).
 */
class CommitPointBoundTest {
    @Test
    void appendAboveIsBoundOfTheAppendedList() {
        long seed = Seeds.seed("CommitPointBoundTest.appendAboveIsBoundOfTheAppendedList");
        Random r = new Random(seed);
        for (int round = 0; round < 300 * Seeds.multiplier(); round++) {
            long flushed = r.nextInt(50);
            List<CommitPoint> raw = new ArrayList<>();
            long rev = 0;
            int n = r.nextInt(2 * Version.MAX_UNFLUSHED_COMMIT_POINTS);
            for (int i = 0; i < n; i++) {
                rev += r.nextInt(3);
                raw.add(point(rev));
            }
            List<CommitPoint> bounded = VersionBuilder.bound(raw, flushed);
            CommitPoint c = point(Math.max(rev, flushed) + 1 + r.nextInt(3));
            List<CommitPoint> appended = new ArrayList<>(bounded);
            appended.add(c);
            assertEquals(VersionBuilder.bound(appended, flushed), VersionBuilder.appendAbove(bounded, c, flushed),
                    "seed " + seed + " round " + round);
        }
    }

    /**
     * Appends to the newest list (shared slots) and to older ones (which must not see the newer lists'
     * slots, and copy), each checked against bound() of a plain copy; earlier lists are re-checked.
     */
    @Test
    void appendsToNewAndOldListsStayEqualToTheModel() {
        long seed = Seeds.seed("CommitPointBoundTest.appendsToNewAndOldListsStayEqualToTheModel");
        Random r = new Random(seed);
        int max = Version.MAX_UNFLUSHED_COMMIT_POINTS;
        long flushed = 10;
        List<List<CommitPoint>> lists = new ArrayList<>();
        List<List<CommitPoint>> models = new ArrayList<>();
        lists.add(List.of(point(3)));
        models.add(List.of(point(3)));
        long rev = flushed;
        for (int step = 0; step < 3000 * Seeds.multiplier(); step++) {
            int i = r.nextInt(10) == 0 ? r.nextInt(lists.size()) : lists.size() - 1;
            CommitPoint c = point(++rev);
            List<CommitPoint> appended = new ArrayList<>(models.get(i));
            appended.add(c);
            List<CommitPoint> model = VersionBuilder.bound(appended, flushed);
            List<CommitPoint> actual = CommitPointList.appendAbove(lists.get(i), c, flushed, max);
            assertEquals(model, actual, "seed " + seed + " step " + step);
            lists.add(actual);
            models.add(model);
        }
        for (int i = 0; i < lists.size(); i++) {
            assertEquals(models.get(i), lists.get(i), "seed " + seed + " list " + i);
        }
    }

    @Test
    void aCommitEditSharesTheFilesAndMatchesTheGeneralPath() {
        Version base = Version.empty();
        Version v = base;
        for (int i = 1; i <= Version.MAX_UNFLUSHED_COMMIT_POINTS + 5; i++) {
            VersionEdit edit = VersionEdit.builder().addCommitPoint(point(i)).build();
            Version next = VersionBuilder.apply(v, edit, -1);
            assertTrue(next.sameFilesAs(v));
            List<CommitPoint> all = new ArrayList<>(v.commitPoints());
            all.add(point(i));
            assertEquals(VersionBuilder.bound(all, v.flushedRevision()), next.commitPoints());
            assertEquals(i, next.lastRevision());
            v = next;
        }
        assertEquals(Version.MAX_UNFLUSHED_COMMIT_POINTS, v.commitPoints().size());
    }

    private static CommitPoint point(long revision) {
        return new CommitPoint(revision, Map.of("t-0", revision), new byte[0], 0);
    }
}
