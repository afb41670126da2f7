package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

/** Test-only: seeded random files, commit points and edits. */
final class RandomEdits {
    private final Random rnd;

    RandomEdits(Random rnd) {
        this.rnd = rnd;
    }

    /** The seed of a randomized test: {@code -Dtests.seed=N} or a fresh one; printed so a failure can be replayed. */
    static long seed(String test) {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println(test + ": -Dtests.seed=" + seed);
        return seed;
    }

    byte[] key() {
        byte[] k = new byte[rnd.nextInt(6)];
        for (int i = 0; i < k.length; i++) {
            // Mostly printable, sometimes any byte.
            k[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 'a' + rnd.nextInt(26));
        }
        return k;
    }

    long trailer(long revision) {
        return InternalKeys.trailer(revision, rnd.nextBoolean() ? KeyKind.PUT : KeyKind.DELETE);
    }

    long revision() {
        return rnd.nextInt(10) == 0 ? rnd.nextLong() & InternalKeys.MAX_REVISION : rnd.nextInt(100_000);
    }

    FileMetadata file(long fileNumber) {
        long min = revision();
        long max = min + rnd.nextInt(1000);
        long entries = rnd.nextInt(10) == 0 ? rnd.nextLong() & Long.MAX_VALUE : rnd.nextInt(1_000_000);
        return new FileMetadata(fileNumber, rnd.nextInt(1 << 26), key(), trailer(max), key(), trailer(min),
                min, max, entries, entries == 0 ? 0 : Math.floorMod(rnd.nextLong(), entries));
    }

    CommitPoint commitPoint(long revision) {
        Map<String, Long> offsets = new HashMap<>();
        int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            long offset = switch (rnd.nextInt(4)) {
                case 0 -> -1 - rnd.nextInt(3); // Kafka's negative sentinels
                case 1 -> rnd.nextLong();
                default -> rnd.nextInt(1_000_000);
            };
            offsets.put((rnd.nextBoolean() ? "topic-é-" : "changelog-") + rnd.nextInt(20), offset);
        }
        byte[] position = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(40)];
        rnd.nextBytes(position);
        return new CommitPoint(revision, offsets, position, rnd.nextLong());
    }

    /** A random edit with any field set or absent (file numbers from {@code numbers}); for codec tests. */
    VersionEdit anyEdit(LongSupplier numbers) {
        VersionEdit.Builder b = VersionEdit.builder();
        if (rnd.nextBoolean()) {
            b.nextFileNumber(rnd.nextLong() & Long.MAX_VALUE);
        }
        if (rnd.nextBoolean()) {
            b.lastRevision(revision());
        }
        if (rnd.nextBoolean()) {
            b.flushedRevision(revision());
        }
        if (rnd.nextBoolean()) {
            b.trimHorizon(revision());
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            b.deleteFile(rnd.nextInt(Version.NUM_LEVELS), numbers.getAsLong());
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            b.addFile(rnd.nextInt(Version.NUM_LEVELS), file(numbers.getAsLong()));
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addCommitPoint(commitPoint(revision()));
        }
        for (int i = rnd.nextInt(2); i > 0; i--) {
            long from = revision();
            b.addRolledBack(new RevisionRange(from, from + rnd.nextInt(100)));
        }
        return b.build();
    }

    /** The live files of {@code v} as (level, file number) pairs. */
    static List<long[]> liveFiles(Version v) {
        List<long[]> live = new ArrayList<>();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                live.add(new long[] {level, f.fileNumber()});
            }
        }
        return live;
    }
}
