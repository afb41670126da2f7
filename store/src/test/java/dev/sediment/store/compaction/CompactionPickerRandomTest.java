package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random LSM shapes, random busy files and running outputs: every pick (automatic and manual) must
 * satisfy the invariants the engine relies on.
 */
class CompactionPickerRandomTest {
    private final CompactionPicker picker = new CompactionPicker();

    @Test
    void picksSatisfyInvariants() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("CompactionPickerRandomTest.picksSatisfyInvariants seed=" + seed);
        Random random = new Random(seed);
        int picked = 0;
        int intraL0 = 0;
        for (int round = 0; round < 3000; round++) {
            CompactionEnv env = randomEnv(random);
            String context = "seed=" + seed + " round=" + round;
            try {
                PickedCompaction c = picker.pick(env);
                if (c != null) {
                    picked++;
                    intraL0 += c.reason() == CompactionReason.INTRA_L0 ? 1 : 0;
                    check(env, c);
                }
                int level = random.nextInt(env.numLevels());
                byte[] from = random.nextBoolean() ? null : key(random.nextInt(100));
                byte[] to = random.nextBoolean() ? null : key(random.nextInt(100));
                if (from != null && to != null && InternalKeys.compareUserKeys(from, to) > 0) {
                    byte[] t = from;
                    from = to;
                    to = t;
                }
                PickedCompaction m = picker.manual(env, from, to, level);
                if (m != null) {
                    assertEquals(level, m.startLevel());
                    check(env, m);
                }
                picker.stall(env, random.nextInt(4), 3);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(context + ": " + e.getMessage() + "\n" + describe(env), e);
            }
        }
        assertTrue(picked > 100, "too few picks to mean anything: " + picked);
        assertTrue(intraL0 > 10, "too few intra-L0 picks to mean anything: " + intraL0);
    }

    private void check(CompactionEnv env, PickedCompaction c) {
        int numLevels = env.numLevels();
        for (FileMetadata f : c.allInputs()) {
            assertFalse(env.isCompacting(f), "input " + f.fileNumber() + " is compacting");
        }
        byte[] lo = c.smallestUserKey();
        byte[] hi = c.largestUserKey();
        for (FileMetadata f : c.allInputs()) {
            assertTrue(inside(f, lo, hi),
                    "input " + f.fileNumber() + " outside the compaction range");
        }
        if (c.reason() == CompactionReason.INTRA_L0) {
            checkIntraL0(env, c);
            return;
        }
        if (c.startLevel() == 0) {
            assertEquals(picker.levelTargets(env).baseLevel(), c.outputLevel(), "L0 goes to the base level");
            for (int level = 1; level < c.outputLevel(); level++) {
                assertTrue(env.level(level).isEmpty(), "L" + level + " between L0 and the base level holds data");
            }
            // Safety of L0: a file left behind that overlaps an input must be newer than every input.
            long oldestInput = Long.MAX_VALUE;
            for (FileMetadata f : c.startInputs()) {
                oldestInput = Math.min(oldestInput, f.minRevision());
            }
            for (FileMetadata g : env.level(0)) {
                if (c.startInputs().contains(g)) {
                    continue;
                }
                for (FileMetadata f : c.startInputs()) {
                    if (LevelFiles.overlaps(g, f.smallestKey(), f.largestKey())) {
                        assertTrue(g.maxRevision() > f.maxRevision(), "older L0 file " + g.fileNumber()
                                + " left above newer input " + f.fileNumber());
                    }
                }
            }
        } else {
            assertCleanCut(env.level(c.startLevel()), c.startInputs());
            int last = numLevels - 1;
            assertEquals(c.startLevel() == last ? last : c.startLevel() + 1, c.outputLevel());
        }
        if (c.outputLevel() != c.startLevel()) {
            assertCleanCut(env.level(c.outputLevel()), c.outputLevelInputs());
            for (FileMetadata f : env.level(c.outputLevel())) {
                if (LevelFiles.overlaps(f, lo, hi)) {
                    assertTrue(c.outputLevelInputs().contains(f), "output-level file " + f.fileNumber()
                            + " overlaps the range but is no input");
                }
            }
        } else {
            assertTrue(c.outputLevelInputs().isEmpty());
        }
        for (KeyRangeOfRunningOutput r : env.runningOutputs()) {
            assertFalse(r.level() == c.outputLevel() && r.overlaps(lo, hi), "overlaps running output " + r);
        }
        boolean deeper = false;
        for (int level = c.outputLevel() + 1; level < numLevels; level++) {
            for (FileMetadata f : env.level(level)) {
                deeper |= LevelFiles.overlaps(f, lo, hi);
            }
        }
        assertEquals(!deeper, c.isBottommost(), "bottommost");
        if (c.isTrivialMove()) {
            assertEquals(1, c.startInputs().size());
            assertTrue(c.outputLevelInputs().isEmpty());
            assertTrue(LevelFiles.totalBytes(c.grandparents()) <= env.options().maxGrandparentOverlapBytes());
        }
        List<byte[]> splits = picker.subcompactionBoundaries(c, 1 + (int) (c.inputBytes() % 4));
        for (int i = 0; i < splits.size(); i++) {
            assertTrue(InternalKeys.compareUserKeys(splits.get(i), lo) > 0, "split at or below the smallest key");
            assertTrue(InternalKeys.compareUserKeys(splits.get(i), hi) <= 0, "split above the largest key");
            if (i > 0) {
                assertTrue(InternalKeys.compareUserKeys(splits.get(i - 1), splits.get(i)) < 0, "splits not increasing");
            }
        }
    }

    /**
     * An intra-L0 merge: the newest L0 files, at least four, none compacting, every one newer (by revision)
     * than every L0 file left, so the output sorts where they were; never bottommost, since older L0 files
     * may hold what its tombstones delete; only when L0 holds its trigger plus two.
     */
    private static void checkIntraL0(CompactionEnv env, PickedCompaction c) {
        List<FileMetadata> l0 = env.level(0);
        int n = c.startInputs().size();
        assertEquals(0, c.startLevel());
        assertEquals(0, c.outputLevel());
        assertTrue(n >= CompactionPicker.INTRA_L0_MIN_FILES, "too few inputs: " + n);
        assertTrue(l0.size() >= CompactionPicker.intraL0Files(env.options()), "L0 holds only " + l0.size());
        assertEquals(l0.subList(0, n), c.startInputs(), "not the newest L0 files");
        long oldestChosen = Long.MAX_VALUE;
        for (FileMetadata f : c.startInputs()) {
            oldestChosen = Math.min(oldestChosen, f.minRevision());
        }
        for (FileMetadata g : l0.subList(n, l0.size())) {
            assertTrue(g.maxRevision() < oldestChosen, "L0 file " + g.fileNumber() + " left below shares revisions");
        }
        assertTrue(c.outputLevelInputs().isEmpty());
        assertTrue(c.grandparents().isEmpty());
        assertFalse(c.isBottommost(), "an intra-L0 merge is never bottommost");
        assertFalse(c.isTrivialMove());
        assertTrue(c.inputBytes() <= env.options().maxCompactionBytes(), "over maxCompactionBytes");
    }

    private static boolean inside(FileMetadata f, byte[] lo, byte[] hi) {
        return InternalKeys.compareUserKeys(f.smallestKey(), lo) >= 0
                && InternalKeys.compareUserKeys(f.largestKey(), hi) <= 0;
    }

    /** No file of the level outside {@code inputs} shares a user key with an input. */
    private static void assertCleanCut(List<FileMetadata> level, List<FileMetadata> inputs) {
        for (FileMetadata g : level) {
            if (inputs.contains(g)) {
                continue;
            }
            for (FileMetadata f : inputs) {
                if (LevelFiles.overlaps(g, f.smallestKey(), f.largestKey())) {
                    fail("file " + g.fileNumber() + " shares a user key with input " + f.fileNumber());
                }
            }
        }
    }

    private static byte[] key(int i) {
        return LsmText.key(String.format("k%03d", i));
    }

    private static CompactionEnv randomEnv(Random random) {
        int numLevels = 3 + random.nextInt(5);
        long fileNumber = 1;
        long revision = 1_000_000;
        List<List<FileMetadata>> levels = new ArrayList<>();
        List<FileMetadata> l0 = new ArrayList<>();
        int l0Files = random.nextInt(12);
        for (int i = 0; i < l0Files; i++) {
            int a = random.nextInt(100);
            int b = Math.min(99, a + random.nextInt(40));
            l0.add(file(fileNumber++, a, b, 1 + random.nextInt(30), revision - 10, revision));
            revision -= 11;
        }
        levels.add(l0);
        for (int level = 1; level < numLevels; level++) {
            List<FileMetadata> files = new ArrayList<>();
            // Deeper levels are fuller; upper levels often empty, as in dynamic mode.
            if (random.nextInt(numLevels) <= level) {
                int at = random.nextInt(10);
                while (at < 100) {
                    int end = Math.min(99, at + random.nextInt(15));
                    files.add(file(fileNumber++, at, end, 1 + random.nextInt(20 * level), 1, 10));
                    // Sometimes the next file starts at the same user key (versions split across files).
                    at = random.nextInt(4) == 0 ? end : end + 1 + random.nextInt(10);
                    if (at == end && end == 99) {
                        break;
                    }
                }
            }
            levels.add(files);
        }
        Set<Long> compacting = new HashSet<>();
        Set<Long> marked = new HashSet<>();
        for (List<FileMetadata> files : levels) {
            for (FileMetadata f : files) {
                if (random.nextInt(10) == 0) {
                    compacting.add(f.fileNumber());
                }
                if (random.nextInt(15) == 0) {
                    marked.add(f.fileNumber());
                }
            }
        }
        List<KeyRangeOfRunningOutput> running = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            int a = random.nextInt(100);
            running.add(new KeyRangeOfRunningOutput(1 + random.nextInt(numLevels - 1), key(a),
                    key(Math.min(99, a + random.nextInt(10)))));
        }
        int trigger = 1 + random.nextInt(4);
        CompactionOptions options = CompactionOptions.builder()
                .l0CompactionTrigger(trigger)
                .l0SlowdownTrigger(trigger + random.nextInt(10)) // intra-L0 merges start at slowdown - 4
                .baseLevelTargetBytes(10 + random.nextInt(100))
                .levelSizeMultiplier(2 + random.nextInt(9))
                .dynamicLevelBytes(random.nextBoolean())
                .targetFileSizeBytes(1 + random.nextInt(20))
                .build();
        Map<Long, Integer> weights = new HashMap<>(); // some L0 files are earlier intra-L0 merges
        for (FileMetadata f : l0) {
            if (random.nextInt(4) == 0) {
                weights.put(f.fileNumber(), 2 + random.nextInt(8));
            }
        }
        return new CompactionEnv(levels, compacting, running, marked, options, weights);
    }

    private static FileMetadata file(long number, int lo, int hi, long size, long minRev, long maxRev) {
        return new FileMetadata(number, size, key(lo), InternalKeys.trailer(maxRev, KeyKind.PUT), key(hi),
                InternalKeys.trailer(minRev, KeyKind.PUT), minRev, maxRev, 1, 0);
    }

    private static String describe(CompactionEnv env) {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < env.numLevels(); level++) {
            sb.append('L').append(level).append(':');
            for (FileMetadata f : env.level(level)) {
                sb.append(' ').append(f.fileNumber()).append('[').append(InternalKeys.printable(f.smallestKey()))
                        .append("..").append(InternalKeys.printable(f.largestKey())).append(' ')
                        .append(f.sizeBytes()).append(']');
            }
            sb.append('\n');
        }
        return sb.append("compacting=").append(env.compactingFiles()).append(" marked=").append(env.markedFiles())
                .append(" running=").append(env.runningOutputs()).append(" weights=").append(env.l0Weights())
                .append(' ').append(env.options()).toString();
    }
}
