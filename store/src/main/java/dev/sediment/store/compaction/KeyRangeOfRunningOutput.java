package dev.sediment.store.compaction;

import dev.sediment.store.key.InternalKeys;

/**
 * The user-key range a running compaction writes into its output level. The picker never starts a
 * compaction whose output range at the same level overlaps it: two jobs writing interleaved files
 * into one level would break the level's non-overlap invariant.
 *
 * @param level            the running compaction's output level
 * @param smallestUserKey  smallest user key of its inputs (inclusive)
 * @param largestUserKey   largest user key of its inputs (inclusive)
 */
public record KeyRangeOfRunningOutput(int level, byte[] smallestUserKey, byte[] largestUserKey) {
    public KeyRangeOfRunningOutput {
        if (level < 0) {
            throw new IllegalArgumentException("level " + level + " < 0");
        }
        if (InternalKeys.compareUserKeys(smallestUserKey, largestUserKey) > 0) {
            throw new IllegalArgumentException("smallest " + InternalKeys.printable(smallestUserKey)
                    + " > largest " + InternalKeys.printable(largestUserKey));
        }
    }

    /** Whether this range intersects {@code [lo, hi]} (inclusive; null = unbounded). */
    public boolean overlaps(byte[] lo, byte[] hi) {
        return (hi == null || InternalKeys.compareUserKeys(smallestUserKey, hi) <= 0)
                && (lo == null || InternalKeys.compareUserKeys(largestUserKey, lo) >= 0);
    }

    @Override
    public String toString() {
        return "L" + level + " " + InternalKeys.printable(smallestUserKey) + ".."
                + InternalKeys.printable(largestUserKey);
    }
}
