package dev.sediment.store.manifest;

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
        throw new UnsupportedOperationException("TODO");
    }
}
