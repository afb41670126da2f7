package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the structural invariants of a {@link Version}: L0 newest first, L1+ sorted and
 * non-overlapping with no user key split across two files of a level, each file's smallest key at or
 * below its largest, no file number twice. Used by tests after every flush and compaction.
 */
public final class LevelChecker {
    private LevelChecker() {
    }

    /** Throws IllegalStateException describing the first violation, with {@link Version#toDebugString()}. */
    public static void check(Version version) {
        Map<Long, Integer> levelOf = new HashMap<>();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            List<FileMetadata> files = version.files(level);
            for (FileMetadata f : files) {
                Integer other = levelOf.putIfAbsent(f.fileNumber(), level);
                if (other != null) {
                    fail(version, "file " + f.fileNumber() + " is both in L" + other + " and in L" + level);
                }
                if (InternalKeys.compare(f.smallestKey(), f.smallestTrailer(), f.largestKey(), f.largestTrailer()) > 0) {
                    fail(version, "L" + level + " file " + f.fileNumber() + ": smallest key " + smallest(f)
                            + " is above largest key " + largest(f));
                }
                if (f.minRevision() > f.maxRevision()) {
                    fail(version, "L" + level + " file " + f.fileNumber() + ": min revision " + f.minRevision()
                            + " is above max revision " + f.maxRevision());
                }
            }
            for (int i = 1; i < files.size(); i++) {
                FileMetadata a = files.get(i - 1);
                FileMetadata b = files.get(i);
                if (level == 0) {
                    if (VersionBuilder.L0_ORDER.compare(a, b) >= 0) {
                        fail(version, "L0 files " + a.fileNumber() + " (max revision " + a.maxRevision() + ") and "
                                + b.fileNumber() + " (max revision " + b.maxRevision() + ") are not newest first");
                    }
                } else if (InternalKeys.compareUserKeys(a.largestKey(), b.smallestKey()) >= 0) {
                    // >= also catches a user key split across the two files, not just an overlap.
                    fail(version, "L" + level + " files " + a.fileNumber() + " and " + b.fileNumber()
                            + (InternalKeys.compareUserKeys(a.largestKey(), b.smallestKey()) == 0
                                    ? " split user key " + InternalKeys.printable(b.smallestKey())
                                    : " overlap or are out of order")
                            + ": " + largest(a) + " is not below " + smallest(b));
                }
            }
        }
    }

    private static String smallest(FileMetadata f) {
        return InternalKeys.toDebugString(f.smallestKey(), f.smallestTrailer());
    }

    private static String largest(FileMetadata f) {
        return InternalKeys.toDebugString(f.largestKey(), f.largestTrailer());
    }

    private static void fail(Version version, String what) {
        throw new IllegalStateException(what + "\n" + version.toDebugString());
    }
}
