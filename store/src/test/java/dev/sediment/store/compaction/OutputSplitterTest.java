package dev.sediment.store.compaction;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputSplitterTest {

    /** Feeds {@code keys} (one entry each, {@code entryBytes} each) and returns the output files' keys. */
    private static List<List<String>> split(OutputSplitter splitter, List<String> keys, long entryBytes) {
        List<List<String>> files = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long bytes = 0;
        for (String k : keys) {
            if (splitter.shouldSplitBefore(LsmText.key(k), bytes)) {
                files.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(k);
            bytes += entryBytes;
        }
        if (!current.isEmpty()) {
            files.add(current);
        }
        return files;
    }

    private static FileMetadata file(long number, String lo, String hi, long size) {
        return new FileMetadata(number, size, LsmText.key(lo), InternalKeys.trailer(1, KeyKind.PUT),
                LsmText.key(hi), InternalKeys.trailer(1, KeyKind.PUT), 1, 1, 1, 0);
    }

    @Test
    void cutsAtTargetSize() {
        OutputSplitter splitter = new OutputSplitter(List.of(), 30, 1000);
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f"), List.of("g")),
                split(splitter, List.of("a", "b", "c", "d", "e", "f", "g"), 10));
    }

    @Test
    void neverSplitsAUserKey() {
        // Every version of b stays together although the file is far over its target.
        OutputSplitter splitter = new OutputSplitter(List.of(), 10, 1000);
        assertEquals(List.of(List.of("a"), List.of("b", "b", "b", "b"), List.of("c")),
                split(splitter, List.of("a", "b", "b", "b", "b", "c"), 10));
    }

    @Test
    void cutsBeforeTooMuchGrandparentOverlap() {
        // Grandparents of 4 bytes each; at most 10 bytes of overlap per output (2 files, not 3).
        List<FileMetadata> gp = List.of(file(1, "a", "b", 4), file(2, "c", "d", 4), file(3, "e", "f", 4),
                file(4, "g", "h", 4), file(5, "i", "j", 4));
        OutputSplitter splitter = new OutputSplitter(gp, 1_000_000, 10);
        assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("e", "f", "g", "h"), List.of("i", "j")),
                split(splitter, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), 1));
    }

    @Test
    void aSingleHugeGrandparentDoesNotCutEveryKey() {
        List<FileMetadata> gp = List.of(file(1, "a", "m", 100), file(2, "n", "z", 100));
        OutputSplitter splitter = new OutputSplitter(gp, 1_000_000, 10);
        assertEquals(List.of(List.of("a", "b", "c"), List.of("n", "o")),
                split(splitter, List.of("a", "b", "c", "n", "o"), 1));
    }

    @Test
    void keysInGapsBetweenGrandparentsAddNothing() {
        List<FileMetadata> gp = List.of(file(1, "b", "b", 6), file(2, "d", "d", 6), file(3, "f", "f", 6));
        OutputSplitter splitter = new OutputSplitter(gp, 1_000_000, 10);
        // a, c: no overlap yet; at d the output [a..d] would overlap b and d (12 > 10): cut.
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e"), List.of("f")),
                split(splitter, List.of("a", "b", "c", "d", "e", "f"), 1));
    }

    @Test
    void randomizedNeverSplitsAUserKeyAndRespectsTheTarget() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("OutputSplitterTest.randomizedNeverSplitsAUserKeyAndRespectsTheTarget seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            List<FileMetadata> gp = new ArrayList<>();
            int next = 0;
            while (next < 900) {
                int lo = next + random.nextInt(20);
                int hi = lo + random.nextInt(30);
                gp.add(file(gp.size() + 1, key(lo), key(hi), 1 + random.nextInt(50)));
                next = hi + 1;
            }
            long target = 1 + random.nextInt(100);
            long maxGp = 1 + random.nextInt(100);
            OutputSplitter splitter = new OutputSplitter(gp, target, maxGp);
            List<String> keys = new ArrayList<>();
            int k = 0;
            int n = random.nextInt(300);
            for (int i = 0; i < n; i++) {
                k += random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5); // repeated keys = several versions
                keys.add(key(k));
            }
            long entryBytes = 1 + random.nextInt(10);
            List<List<String>> files = split(splitter, keys, entryBytes);
            String context = "seed=" + seed + " round=" + round;
            for (int f = 0; f < files.size(); f++) {
                List<String> file = files.get(f);
                assertFalse(file.isEmpty(), context);
                if (f > 0) {
                    List<String> prev = files.get(f - 1);
                    assertTrue(prev.get(prev.size() - 1).compareTo(file.get(0)) < 0,
                            context + ": user key split across files: " + file.get(0));
                }
                // A new user key starts a new file once the file reached its target.
                int lastRunStart = file.indexOf(file.get(file.size() - 1));
                assertTrue(lastRunStart == 0 || (long) lastRunStart * entryBytes < target,
                        context + ": file over target before its last key: " + file);
                assertTrue(everyStepWithinGrandparentLimit(gp, file, maxGp), context + ": grandparent overlap");
                if (f > 0) {
                    // Every cut was needed: the previous file reached its target, or this file's first
                    // key would have added grandparent bytes beyond the limit.
                    List<String> prev = files.get(f - 1);
                    long prevBytes = prev.size() * entryBytes;
                    long before = overlap(gp, prev.get(0), prev.get(prev.size() - 1));
                    long after = overlap(gp, prev.get(0), file.get(0));
                    assertTrue(prevBytes >= target || (after > before && after > maxGp),
                            context + ": needless cut before " + file.get(0));
                }
            }
            assertEquals(keys, files.stream().flatMap(List::stream).toList(), context);
        }
    }

    private static String key(int i) {
        return String.format("k%04d", i);
    }

    private static long overlap(List<FileMetadata> gp, String lo, String hi) {
        long sum = 0;
        for (FileMetadata f : gp) {
            if (LevelFiles.overlaps(f, LsmText.key(lo), LsmText.key(hi))) {
                sum += f.sizeBytes();
            }
        }
        return sum;
    }

    /** Each new key of the file that adds grandparent overlap keeps the overlap within the limit. */
    private static boolean everyStepWithinGrandparentLimit(List<FileMetadata> gp, List<String> file, long maxGp) {
        String first = file.get(0);
        String prev = first;
        for (String k : file) {
            if (k.equals(prev)) {
                continue;
            }
            long before = overlap(gp, first, prev);
            long after = overlap(gp, first, k);
            if (after > before && after > maxGp) {
                return false;
            }
            prev = k;
        }
        return true;
    }

    @Test
    void splitterIsDeterministic() {
        List<FileMetadata> gp = List.of(file(1, "a", "c", 5), file(2, "d", "f", 5));
        List<String> keys = Arrays.asList("a", "b", "d", "e", "g");
        assertEquals(split(new OutputSplitter(gp, 3, 6), keys, 1), split(new OutputSplitter(gp, 3, 6), keys, 1));
    }
}
