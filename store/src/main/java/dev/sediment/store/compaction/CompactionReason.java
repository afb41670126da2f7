package dev.sediment.store.compaction;

/** Why a compaction was picked. Reported in stats and events. */
public enum CompactionReason {
    /** L0 holds at least {@code l0CompactionTrigger} files. */
    L0_FILES,
    /** L0 holds at least {@code baseLevelTargetBytes}. */
    L0_BYTES,
    /**
     * L0 is over its trigger but cannot compact into the base level now (an L0 or base-level compaction
     * runs): its newest files merge into one L0 table.
     */
    INTRA_L0,
    /** A level L1+ is over its target size. */
    LEVEL_BYTES,
    /** A file marked for compaction (dense in tombstones or rolled-back revisions), picked when no level is over its target. */
    MARKED,
    /** {@code compactRange}. */
    MANUAL;

    /** Whether the reason is a size score (and a trivial move therefore serves it as well as a rewrite). */
    boolean isScore() {
        return this == L0_FILES || this == L0_BYTES || this == LEVEL_BYTES || this == INTRA_L0;
    }
}
