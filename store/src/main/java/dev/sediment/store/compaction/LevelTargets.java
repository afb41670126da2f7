package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import java.util.Arrays;

/**
 * The target size of every level and the base level (the level L0 compacts into), computed from
 * the current level sizes. Immutable.
 *
 * <p><b>Static mode</b> ({@code dynamicLevelBytes == false}): the base level is L1,
 * {@code target(1) = baseLevelTargetBytes} and {@code target(n + 1) = target(n) * levelSizeMultiplier}.
 *
 * <p><b>Dynamic mode</b> (RocksDB's {@code level_compaction_dynamic_level_bytes}, the idea of its
 * {@code CalculateBaseBytes}): the shape is derived downward from the data that exists. Let
 * {@code B = baseLevelTargetBytes}, {@code M = levelSizeMultiplier}, {@code last = numLevels - 1},
 * {@code S} = the size of the largest non-L0 level (normally the last; the largest is used because the
 * last level can shrink for a while after a compaction), and {@code F} = the first non-empty level ≥ 1.
 * <ol>
 *   <li>No data below L0: the base level is {@code last} (L0 compacts straight into the last level)
 *       and no level has a size target.</li>
 *   <li>Divide {@code S} by {@code M} once for each level from {@code last - 1} up to {@code F}
 *       (integer division); call the result {@code c}, the would-be size of {@code F}.</li>
 *   <li>If {@code c <= B / M}, there are more levels than the data needs: the base level is {@code F}
 *       and its unraised size is {@code B / M + 1}.</li>
 *   <li>Otherwise start at base level {@code F} and, while the base level is above L1 and
 *       {@code c > B}, move the base level up by one and divide {@code c} by {@code M}. The base level's
 *       unraised size is {@code min(c, B)} (at least 1).</li>
 *   <li>Going down from the base level, each level's unraised size is the one above times {@code M};
 *       {@code target(n) = max(unraised(n), B)}, so no level is ever smaller than {@code B} (an
 *       "hourglass" LSM would make L1+ look urgent while L0 fills up and stalls).</li>
 *   <li>Levels between L0 and the base level have no target ({@link Long#MAX_VALUE}): they are empty,
 *       because the base level is never below the first non-empty level. That is what keeps the
 *       level invariant (newer data above older) when L0 skips those levels.</li>
 * </ol>
 *
 * <p>Worked example, {@code B = 64 MiB}, {@code M = 10}, 7 levels, all 10 GiB of data in L6:
 * <pre>
 *   step 2: F = 6, no division, c = 10240 MiB
 *   step 4: c > B: base L5, c = 1024 MiB; base L4, c = 102.4 MiB; base L3, c = 10.24 MiB <= B: stop
 *   step 5: L3 = max(10.24 MiB, 64 MiB) = 64 MiB, L4 = 102.4 MiB, L5 = 1 GiB, L6 = 10 GiB
 *   result: base level L3; L1 and L2 have no target; L0 compacts into L3
 * </pre>
 * With 1 MiB in L6 only, step 3 applies ({@code c = 1 MiB <= 6.4 MiB}): base level L6, target 64 MiB.
 * An empty store has base level L6 (step 1).
 */
public final class LevelTargets {
    private final int baseLevel;
    private final long[] targets;

    private LevelTargets(int baseLevel, long[] targets) {
        this.baseLevel = baseLevel;
        this.targets = targets;
    }

    /**
     * Computes the targets. REQUIRES: {@code levelBytes.length >= 2}; {@code levelBytes[0]} (L0) is ignored.
     */
    public static LevelTargets compute(long[] levelBytes, CompactionOptions options) {
        int numLevels = levelBytes.length;
        if (numLevels < 2) {
            throw new IllegalArgumentException("need at least 2 levels, got " + numLevels);
        }
        long[] targets = new long[numLevels];
        Arrays.fill(targets, Long.MAX_VALUE);
        long base = options.baseLevelTargetBytes();
        int multiplier = options.levelSizeMultiplier();
        int last = numLevels - 1;

        if (!options.dynamicLevelBytes()) {
            long size = base;
            for (int level = 1; level < numLevels; level++) {
                targets[level] = size;
                size = saturatingMultiply(size, multiplier);
            }
            return new LevelTargets(1, targets);
        }

        long largest = 0;
        int firstNonEmpty = -1;
        for (int level = 1; level < numLevels; level++) {
            if (levelBytes[level] > 0 && firstNonEmpty < 0) {
                firstNonEmpty = level;
            }
            largest = Math.max(largest, levelBytes[level]);
        }
        if (largest == 0) {
            return new LevelTargets(last, targets);
        }

        long baseMin = base / multiplier;
        long c = largest;
        for (int level = last - 1; level >= firstNonEmpty; level--) {
            c /= multiplier;
        }
        int baseLevel = firstNonEmpty;
        long baseSize;
        if (c <= baseMin) {
            baseSize = baseMin + 1;
        } else {
            while (baseLevel > 1 && c > base) {
                baseLevel--;
                c /= multiplier;
            }
            baseSize = Math.max(1, Math.min(c, base));
        }
        long size = baseSize;
        for (int level = baseLevel; level < numLevels; level++) {
            if (level > baseLevel) {
                size = saturatingMultiply(size, multiplier);
            }
            targets[level] = Math.max(size, base);
        }
        return new LevelTargets(baseLevel, targets);
    }

    /** The level L0 compacts into. */
    public int baseLevel() {
        return baseLevel;
    }

    public int numLevels() {
        return targets.length;
    }

    /** The target size of a level; {@link Long#MAX_VALUE} for L0 and for levels above the base level. */
    public long targetBytes(int level) {
        return targets[level];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("base=L").append(baseLevel);
        for (int level = 1; level < targets.length; level++) {
            sb.append(" L").append(level).append('=');
            sb.append(targets[level] == Long.MAX_VALUE ? "-" : Long.toString(targets[level]));
        }
        return sb.toString();
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
