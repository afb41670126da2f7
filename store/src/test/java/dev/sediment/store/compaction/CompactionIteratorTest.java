package dev.sediment.store.compaction;

import dev.sediment.store.CompactionFilter;
import dev.sediment.store.compaction.SortedEntries.Entry;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.RevisionRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MVCC drop rules. Hand-written cases live in {@code testdata/compaction/compaction_iter}:
 * <pre>
 *   iter [boundaries=10,20] [rolledback=25-27,40-41] [bottommost]
 *   k#30,PUT=v k#26,PUT k#22,DEL      (entries in any order, whitespace separated)
 *   ----
 *   the entries written, one per line, then the counters
 * </pre>
 * The randomized test checks the core property: every reader (each boundary and the latest) sees
 * the same value for every key before and after the compaction.
 */
class CompactionIteratorTest {

    @Test
    void script() {
        DataDriven.run("compaction_iter", c -> {
            if (!c.command().equals("iter")) {
                throw new IllegalArgumentException("unknown command " + c.command());
            }
            List<Entry> entries = new ArrayList<>();
            for (String line : c.input()) {
                for (String word : line.strip().split("\\s+")) {
                    if (!word.isEmpty()) {
                        entries.add(Entry.parse(word));
                    }
                }
            }
            long[] boundaries = parseLongs(c.arg("boundaries", ""));
            List<RevisionRange> rolledBack = new ArrayList<>();
            for (String r : c.arg("rolledback", "").split(",")) {
                if (!r.isEmpty()) {
                    String[] p = r.split("-");
                    rolledBack.add(new RevisionRange(Long.parseLong(p[0]), Long.parseLong(p[1])));
                }
            }
            CompactionIterator it = new CompactionIterator(new SortedEntries(entries), boundaries, rolledBack,
                    c.has("bottommost"));
            StringBuilder sb = new StringBuilder();
            for (Entry e : drain(it)) {
                sb.append(e).append('\n');
            }
            return sb.append(it).toString();
        });
    }

    private static long[] parseLongs(String csv) {
        if (csv.isEmpty()) {
            return new long[0];
        }
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    static List<Entry> drain(CompactionIterator it) {
        List<Entry> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            out.add(new Entry(it.userKey(), it.trailer(), it.value()));
        }
        return out;
    }

    @Test
    void aFilteredKeyGoesWithAllItsVersionsAndTombstonesAreNeverOffered() {
        List<Entry> entries = List.of(Entry.put("a", 3, "keep"), Entry.put("a", 2, "old"),
                Entry.put("b", 9, "drop"), Entry.put("b", 8, "x"), Entry.put("b", 4, "y"),
                Entry.delete("c", 7), Entry.put("c", 1, "drop"), Entry.put("d", 6, "drop"));
        List<String> offered = new ArrayList<>();
        CompactionFilter.Run filter = (key, value) -> {
            offered.add(new String(key) + "=" + new String(value));
            return new String(value).equals("drop");
        };
        // Boundary 8 keeps b#8 for a reader at 8, unless the filter drops b.
        CompactionIterator it = new CompactionIterator(new SortedEntries(entries), new long[] {8}, List.of(), false,
                Long.MAX_VALUE, filter);
        List<Entry> out = drain(it);
        assertEquals(List.of("a=keep", "b=drop", "d=drop"), offered, "each key's newest version, PUTs only");
        assertEquals(List.of(Entry.put("a", 3, "keep"), Entry.delete("c", 7)).toString(),
                out.toString());
        assertEquals(4, it.droppedFiltered());
        assertTrue(it.toString().contains("filtered=4"), it.toString());
    }

    @Test
    void outOfOrderInputIsCaughtWithAssertionsOn() {
        List<Entry> entries = List.of(Entry.put("b", 1, "x"), Entry.put("a", 2, "y"));
        CompactionIterator it = new CompactionIterator(new SortedEntries(entries, false), new long[0], List.of(), true);
        assertThrows(IllegalStateException.class, () -> drain(it));
    }

    @Test
    void randomizedVisibilityIsPreserved() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("CompactionIteratorTest.randomizedVisibilityIsPreserved seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            try {
                randomRound(random, round);
            } catch (AssertionError e) {
                throw new AssertionError("seed=" + seed + " round=" + round + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Random versions of random keys, random boundaries and rolled-back ranges. Half the rounds are
     * not bottommost and add older versions "below the output level" (a random subset of each key's
     * oldest versions), which readers see through the compaction's output.
     */
    private static void randomRound(Random random, int round) {
        int keys = 1 + random.nextInt(6);
        int maxRevision = 5 + random.nextInt(60);
        List<Entry> all = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        int versions = 1 + random.nextInt(40);
        for (int i = 0; i < versions; i++) {
            long revision = 1 + random.nextInt(maxRevision);
            if (!used.add(revision)) {
                continue; // revisions are never reused
            }
            String key = String.valueOf((char) ('a' + random.nextInt(keys)));
            all.add(random.nextInt(3) == 0 ? Entry.delete(key, revision)
                    : Entry.put(key, revision, key + revision));
        }
        long[] boundaries = new long[random.nextInt(5)];
        for (int i = 0; i < boundaries.length; i++) {
            boundaries[i] = 1 + random.nextInt(maxRevision);
        }
        List<RevisionRange> rolledBack = new ArrayList<>();
        int ranges = random.nextInt(3);
        for (int i = 0; i < ranges; i++) {
            long from = 1 + random.nextInt(maxRevision);
            rolledBack.add(new RevisionRange(from, from + random.nextInt(4)));
        }
        boolean bottommost = random.nextBoolean();
        // Below the output: for each key, the versions older than a random cut of that key's history.
        List<Entry> input = new ArrayList<>();
        List<Entry> below = new ArrayList<>();
        Map<String, Long> cut = new HashMap<>();
        for (Entry e : all) {
            String key = new String(e.userKey());
            long c = cut.computeIfAbsent(key, k -> bottommost ? 0L : (long) random.nextInt(maxRevision / 2 + 1));
            (e.revision() <= c ? below : input).add(e);
        }

        CompactionIterator it = new CompactionIterator(new SortedEntries(input), boundaries, rolledBack, bottommost);
        List<Entry> output = drain(it);

        assertEquals(it.entriesIn(), input.size(), "entries in");
        assertEquals(it.entriesIn(), it.entriesOut() + it.droppedSuperseded() + it.droppedTombstones()
                + it.droppedRolledBack(), "counters add up");
        assertEquals(output.size(), it.entriesOut(), "entries out");
        for (int i = 1; i < output.size(); i++) {
            Entry a = output.get(i - 1);
            Entry b = output.get(i);
            assertTrue(InternalKeys.compare(a.userKey(), a.trailer(), b.userKey(), b.trailer()) < 0, "output order");
        }
        for (Entry e : output) {
            assertFalse(isRolledBack(e.revision(), rolledBack), "rolled-back entry written: " + e);
        }

        List<Entry> before = new ArrayList<>(input);
        before.addAll(below);
        List<Entry> after = new ArrayList<>(output);
        after.addAll(below);
        long[] readers = Arrays.copyOf(boundaries, boundaries.length + 1);
        readers[boundaries.length] = Long.MAX_VALUE;
        for (int k = 0; k < keys; k++) {
            String key = String.valueOf((char) ('a' + k));
            for (long reader : readers) {
                assertEquals(visible(before, key, reader, rolledBack), visible(after, key, reader, rolledBack),
                        "key " + key + " at reader " + reader + "; boundaries=" + Arrays.toString(boundaries)
                                + " rolledBack=" + rolledBack + " bottommost=" + bottommost
                                + "\n input=" + new SortedEntriesView(input) + "\n below=" + new SortedEntriesView(below)
                                + "\n output=" + output);
            }
        }
    }

    /** The value a reader at {@code snapshot} sees for {@code key}, or null when absent or deleted. */
    private static String visible(List<Entry> entries, String key, long snapshot, List<RevisionRange> rolledBack) {
        Entry newest = null;
        for (Entry e : entries) {
            if (new String(e.userKey()).equals(key) && e.revision() <= snapshot
                    && !isRolledBack(e.revision(), rolledBack)
                    && (newest == null || e.revision() > newest.revision())) {
                newest = e;
            }
        }
        return newest == null || newest.isDelete() ? null : new String(newest.value());
    }

    private static boolean isRolledBack(long revision, List<RevisionRange> rolledBack) {
        for (RevisionRange r : rolledBack) {
            if (r.contains(revision)) {
                return true;
            }
        }
        return false;
    }

    /** Prints entries in internal-key order. */
    private record SortedEntriesView(List<Entry> entries) {
        @Override
        public String toString() {
            List<Entry> sorted = new ArrayList<>(entries);
            sorted.sort(SortedEntries.ORDER);
            return sorted.toString();
        }
    }
}
