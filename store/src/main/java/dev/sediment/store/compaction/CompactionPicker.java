package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Leveled compaction policy (RocksDB's, see design §4 "Compaction"): decides <em>what</em> to compact;
 * the engine's compaction job executes it. Every method is a pure function of its arguments: no
 * clock, no I/O, no state, so one instance may be shared and called from any thread.
 *
 * <h2>Scores</h2>
 * <ul>
 *   <li>L0: {@code max(files / l0CompactionTrigger, bytes / baseLevelTargetBytes)} over the L0 files
 *       not being compacted (reason L0_FILES when the file count dominates, L0_BYTES otherwise); an
 *       intra-L0 output counts as the tables merged into it ({@link CompactionEnv#l0Weight}). The write
 *       stall triggers count real files.</li>
 *   <li>L1 .. L(last-1): bytes not being compacted / {@link LevelTargets#targetBytes}; 0 for levels
 *       without a target (empty levels above the base level).</li>
 *   <li>The last level: 0, it has nowhere to compact to.</li>
 * </ul>
 * {@link #pick} tries the levels with score ≥ 1, highest first (ties: lower level first), and
 * takes the first level that yields a compaction; then marked files; else returns null.
 *
 * <h2>L0 → base level</h2>
 * Skipped while any L0 file is compacting (an L0 → base compaction never runs beside another L0
 * compaction; an intra-L0 one may run beside it, on files newer than all of its inputs). The inputs are
 * the L0 files reachable from the oldest one by key-range overlap (the transitive closure, growing
 * the range as files join): every L0 file left behind is disjoint from the chosen range, so moving
 * the chosen files down never puts newer data below older data of the same key. If the inputs
 * exceed {@code maxCompactionBytes}, the newest chosen files are dropped (they stay above, which is
 * safe because they are newer) until it fits or only the oldest is left.
 *
 * <h2>Intra-L0 (RocksDB's idea)</h2>
 * When L0 scores ≥ 1 but no L0 → base compaction can start (an L0 or base-level compaction is running) and
 * L0 holds at least {@code l0CompactionTrigger + 2} files (RocksDB's threshold), the newest L0 files, down
 * to the first one compacting, merge into L0 tables: L0 holds fewer files, so writes are not slowed for its
 * file count and gets check fewer tables, and the next L0 → base compaction moves more bytes per rewrite of
 * the base level. At least {@link #INTRA_L0_MIN_FILES} files; a file that would raise the bytes merged per
 * file removed (an earlier intra-L0 output, say) ends the run, so bytes are not merged over and over; within
 * {@code maxCompactionBytes}. Every chosen file's revisions are above those of every L0 file left (the run
 * shrinks until they are), so the outputs sort among L0 where their inputs were, and newest-first stays
 * data age for every key. The outputs count as the files they merged for L0's score
 * ({@link CompactionEnv#l0Weight}): otherwise a merged table and a flush or two could sit below the trigger
 * for good, and every read after a write burst would check them (the reason a first version was reverted).
 *
 * <h2>Ln → Ln+1</h2>
 * Candidates are the non-compacting files of Ln in order of least overlapping bytes in Ln+1 per own
 * byte (RocksDB kMinOverlappingRatio; ties: key order). For each candidate: expand to a clean cut
 * of Ln; cancel if any expanded file is compacting; add the Ln+1 files overlapping the range, also
 * clean-cut; cancel if any is compacting; cancel if the range overlaps a running compaction's output
 * range at Ln+1. The first candidate within {@code maxCompactionBytes} is picked. If every valid
 * candidate exceeds the bound, the first valid one is picked anyway: a level over its target must
 * always make progress, or the stall logic would wait forever.
 *
 * <h2>Other picks</h2>
 * <ul>
 *   <li>Trivial move: one start file, nothing in the output level to merge with, grandparent overlap
 *       ≤ {@code maxGrandparentOverlapBytes}, start level ≠ output level, not a MARKED pick
 *       (a marked file must be rewritten, that is the point of marking it), and a file holding one key
 *       prefix of {@code cutPrefixBytes} (one that straddles is rewritten, so the output is cut there).</li>
 *   <li>Marked files (only when no level scores ≥ 1), lowest level first: an L0 file as the seed of
 *       an L0 pick, an Ln file into Ln+1, a bottom-level file rewritten within the bottom level.</li>
 *   <li>{@link #manual}: the files of one level overlapping a range, as above, without the byte
 *       bound.</li>
 * </ul>
 */
public final class CompactionPicker {
    /** The fewest L0 files an intra-L0 compaction merges (RocksDB's kMinFilesForIntraL0Compaction). */
    static final int INTRA_L0_MIN_FILES = 4;

    public CompactionPicker() {
    }

    /** The level targets and base level for the env's current level sizes. */
    public LevelTargets levelTargets(CompactionEnv env) {
        return LevelTargets.compute(env.levelBytes(), env.options());
    }

    /** The score of every level (see the class javadoc); index = level. */
    public double[] scores(CompactionEnv env) {
        return scores(env, levelTargets(env));
    }

    private double[] scores(CompactionEnv env, LevelTargets targets) {
        int numLevels = env.numLevels();
        double[] scores = new double[numLevels];
        scores[0] = Math.max(l0FileScore(env), l0ByteScore(env));
        for (int level = 1; level < numLevels - 1; level++) {
            long target = targets.targetBytes(level);
            if (target == Long.MAX_VALUE) {
                continue;
            }
            scores[level] = (double) nonCompactingBytes(env, level) / target;
        }
        return scores;
    }

    private static double l0FileScore(CompactionEnv env) {
        return (double) env.l0WeightedFiles(false) / env.options().l0CompactionTrigger();
    }

    private static double l0ByteScore(CompactionEnv env) {
        return (double) nonCompactingBytes(env, 0) / env.options().baseLevelTargetBytes();
    }

    private static long nonCompactingBytes(CompactionEnv env, int level) {
        long bytes = 0;
        for (FileMetadata f : env.level(level)) {
            if (!env.isCompacting(f)) {
                bytes += f.sizeBytes();
            }
        }
        return bytes;
    }

    /** The most urgent compaction, or null when nothing needs work (or everything needing it is busy). */
    public PickedCompaction pick(CompactionEnv env) {
        LevelTargets targets = levelTargets(env);
        double[] scores = scores(env, targets);
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: equal scores keep the lower level first.
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        for (int level : order) {
            if (scores[level] < 1) {
                break;
            }
            PickedCompaction picked;
            if (level == 0) {
                CompactionReason reason = l0FileScore(env) >= l0ByteScore(env)
                        ? CompactionReason.L0_FILES : CompactionReason.L0_BYTES;
                picked = pickL0(env, targets, env.level(0).size() - 1, reason, scores[0], true);
                if (picked == null) {
                    picked = pickIntraL0(env, scores[0]);
                }
            } else {
                picked = pickLevel(env, targets, level, scores[level]);
            }
            if (picked != null) {
                return picked;
            }
        }
        return pickMarked(env, targets);
    }

    private PickedCompaction pickLevel(CompactionEnv env, LevelTargets targets, int level, double score) {
        List<FileMetadata> files = env.level(level);
        List<FileMetadata> next = env.level(level + 1);
        int n = files.size();
        Integer[] candidates = new Integer[n];
        double[] ratio = new double[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            FileMetadata f = files.get(i);
            if (env.isCompacting(f)) {
                continue;
            }
            long overlap = LevelFiles.overlappingBytes(next, f.smallestKey(), f.largestKey());
            ratio[i] = (double) overlap / Math.max(1, f.sizeBytes());
            candidates[count++] = i;
        }
        Arrays.sort(candidates, 0, count, (a, b) -> Double.compare(ratio[a], ratio[b]));
        PickedCompaction fallback = null;
        for (int c = 0; c < count; c++) {
            int i = candidates[c];
            PickedCompaction picked = sortedLevelCompaction(env, targets, level, i, i + 1,
                    CompactionReason.LEVEL_BYTES, score);
            if (picked == null) {
                continue;
            }
            if (picked.inputBytes() <= env.options().maxCompactionBytes()) {
                return picked;
            }
            if (fallback == null) {
                fallback = picked;
            }
        }
        return fallback;
    }

    private PickedCompaction pickMarked(CompactionEnv env, LevelTargets targets) {
        if (env.markedFiles().isEmpty()) {
            return null;
        }
        List<FileMetadata> l0 = env.level(0);
        for (int i = l0.size() - 1; i >= 0; i--) {
            if (env.markedFiles().contains(l0.get(i).fileNumber())) {
                PickedCompaction picked = pickL0(env, targets, i, CompactionReason.MARKED, 0, false);
                if (picked != null) {
                    return picked;
                }
            }
        }
        for (int level = 1; level < env.numLevels(); level++) {
            List<FileMetadata> files = env.level(level);
            PickedCompaction fallback = null;
            for (int i = 0; i < files.size(); i++) {
                FileMetadata f = files.get(i);
                if (!env.markedFiles().contains(f.fileNumber()) || env.isCompacting(f)) {
                    continue;
                }
                PickedCompaction picked = sortedLevelCompaction(env, targets, level, i, i + 1,
                        CompactionReason.MARKED, 0);
                if (picked == null) {
                    continue;
                }
                if (picked.inputBytes() <= env.options().maxCompactionBytes()) {
                    return picked;
                }
                if (fallback == null) {
                    fallback = picked;
                }
            }
            if (fallback != null) {
                return fallback;
            }
        }
        return null;
    }

    /**
     * {@code compactRange} at one level: the files of {@code level} overlapping {@code [fromUserKey,
     * toUserKey]} (null = unbounded) plus their output-level overlaps, clean-cut; L0 files are
     * closed under overlap as in an automatic L0 pick. Not bounded by {@code maxCompactionBytes}.
     *
     * @return the compaction, or null when no file of the level overlaps the range or when an input
     *         or the output range is busy (the engine retries once running compactions finish; null
     *         with nothing running means the level is done)
     */
    public PickedCompaction manual(CompactionEnv env, byte[] fromUserKey, byte[] toUserKey, int level) {
        if (level < 0 || level >= env.numLevels()) {
            throw new IllegalArgumentException("level " + level + " outside [0, " + env.numLevels() + ")");
        }
        if (fromUserKey != null && toUserKey != null && InternalKeys.compareUserKeys(fromUserKey, toUserKey) > 0) {
            throw new IllegalArgumentException("from " + InternalKeys.printable(fromUserKey) + " > to "
                    + InternalKeys.printable(toUserKey));
        }
        LevelTargets targets = levelTargets(env);
        if (level == 0) {
            List<FileMetadata> l0 = env.level(0);
            boolean[] chosen = new boolean[l0.size()];
            boolean any = false;
            for (int i = 0; i < l0.size(); i++) {
                if (LevelFiles.overlaps(l0.get(i), fromUserKey, toUserKey)) {
                    chosen[i] = true;
                    any = true;
                }
            }
            if (!any) {
                return null;
            }
            return l0Compaction(env, targets, chosen, -1, CompactionReason.MANUAL, 0, false);
        }
        int[] range = LevelFiles.overlapping(env.level(level), fromUserKey, toUserKey);
        if (range[0] == range[1]) {
            return null;
        }
        return sortedLevelCompaction(env, targets, level, range[0], range[1], CompactionReason.MANUAL, 0);
    }

    /**
     * An L0 compaction seeded by L0 file {@code seed}, or null if blocked.
     *
     * @param trim whether to drop the newest inputs to fit {@code maxCompactionBytes}
     */
    private PickedCompaction pickL0(CompactionEnv env, LevelTargets targets, int seed, CompactionReason reason,
                                    double score, boolean trim) {
        if (seed < 0) {
            return null;
        }
        boolean[] chosen = new boolean[env.level(0).size()];
        chosen[seed] = true;
        return l0Compaction(env, targets, chosen, trim ? seed : -1, reason, score, trim);
    }

    /**
     * Closes {@code chosen} under key-range overlap among the L0 files, trims it if asked (never below
     * {@code keep}), and adds the base-level overlaps.
     */
    private PickedCompaction l0Compaction(CompactionEnv env, LevelTargets targets, boolean[] chosen, int keep,
                                          CompactionReason reason, double score, boolean trim) {
        List<FileMetadata> l0 = env.level(0);
        for (FileMetadata f : l0) {
            if (env.isCompacting(f)) {
                return null;
            }
        }
        byte[][] range = closeUnderOverlap(l0, chosen);
        int baseLevel = targets.baseLevel();
        while (true) {
            List<FileMetadata> inputs = new ArrayList<>();
            for (int i = 0; i < l0.size(); i++) {
                if (chosen[i]) {
                    inputs.add(l0.get(i));
                }
            }
            PickedCompaction picked = withOutputLevel(env, 0, baseLevel, inputs, range[0], range[1], reason, score);
            if (picked == null || !trim || inputs.size() == 1
                    || picked.inputBytes() <= env.options().maxCompactionBytes()) {
                return picked;
            }
            // Drop the newest chosen file unless it is the one we must keep; newer files may stay above.
            int newest = -1;
            for (int i = 0; i < l0.size(); i++) {
                if (chosen[i]) {
                    newest = i;
                    break;
                }
            }
            if (newest == keep) {
                return picked;
            }
            chosen[newest] = false;
            range = rangeOf(l0, chosen);
        }
    }

    /** The newest L0 files merged into L0 (see the class javadoc), or null if too few qualify. */
    private PickedCompaction pickIntraL0(CompactionEnv env, double score) {
        List<FileMetadata> l0 = env.level(0);
        if (l0.size() < intraL0Files(env.options())) {
            return null; // L0 is not piling up past its trigger: wait for the L0 -> base compaction
        }
        long maxBytes = env.options().maxCompactionBytes();
        int count = 0;
        long bytes = 0;
        while (count < l0.size()) {
            FileMetadata f = l0.get(count);
            if (env.isCompacting(f) || bytes + f.sizeBytes() > maxBytes
                    || count > 1 && f.sizeBytes() > bytes / (count - 1)) {
                break;
            }
            bytes += f.sizeBytes();
            count++;
        }
        // L0 is sorted by max revision, newest first: the first file left holds the highest revision of all.
        while (count >= INTRA_L0_MIN_FILES && count < l0.size()
                && l0.get(count).maxRevision() >= minRevision(l0, count)) {
            count--;
        }
        if (count < INTRA_L0_MIN_FILES) {
            return null;
        }
        boolean[] chosen = new boolean[l0.size()];
        Arrays.fill(chosen, 0, count, true);
        byte[][] range = rangeOf(l0, chosen);
        // Never bottommost: older L0 files may hold what a tombstone here deletes. No grandparents: the
        // outputs are cut by size alone.
        return new PickedCompaction(0, 0, new ArrayList<>(l0.subList(0, count)), List.of(), List.of(), range[0],
                range[1], CompactionReason.INTRA_L0, score, false, false);
    }

    /**
     * The L0 file count from which intra-L0 merges start: RocksDB's trigger + 2, or half the slowdown trigger if
     * higher. Measured at 1M keys, merging from trigger + 2 cost the later read and write phases 10-17%: it spends
     * CPU on merges long before writes would be slowed for L0's file count, which is what they are for.
     */
    static int intraL0Files(CompactionOptions options) {
        return Math.max(options.l0CompactionTrigger() + 2, options.l0SlowdownTrigger() - 4);
    }

    private static long minRevision(List<FileMetadata> files, int count) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, files.get(i).minRevision());
        }
        return min;
    }

    /** Grows {@code chosen} to every L0 file overlapping the chosen range, repeatedly; returns the range. */
    private static byte[][] closeUnderOverlap(List<FileMetadata> l0, boolean[] chosen) {
        byte[][] range = rangeOf(l0, chosen);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i = 0; i < l0.size(); i++) {
                FileMetadata f = l0.get(i);
                if (!chosen[i] && LevelFiles.overlaps(f, range[0], range[1])) {
                    chosen[i] = true;
                    range[0] = LevelFiles.minKey(range[0], f.smallestKey());
                    range[1] = LevelFiles.maxKey(range[1], f.largestKey());
                    grew = true;
                }
            }
        }
        return range;
    }

    private static byte[][] rangeOf(List<FileMetadata> files, boolean[] chosen) {
        byte[] lo = null;
        byte[] hi = null;
        for (int i = 0; i < files.size(); i++) {
            if (chosen[i]) {
                FileMetadata f = files.get(i);
                lo = lo == null ? f.smallestKey() : LevelFiles.minKey(lo, f.smallestKey());
                hi = hi == null ? f.largestKey() : LevelFiles.maxKey(hi, f.largestKey());
            }
        }
        return new byte[][] {lo, hi};
    }

    /** A compaction of the files {@code [from, to)} of sorted level {@code level}, clean-cut; null if blocked. */
    private PickedCompaction sortedLevelCompaction(CompactionEnv env, LevelTargets targets, int level, int from,
                                                   int to, CompactionReason reason, double score) {
        List<FileMetadata> files = env.level(level);
        int[] cut = LevelFiles.cleanCut(files, from, to);
        List<FileMetadata> inputs = files.subList(cut[0], cut[1]);
        if (LevelFiles.anyCompacting(inputs, env.compactingFiles())) {
            return null;
        }
        int last = env.numLevels() - 1;
        int outputLevel = level == last ? last : level + 1;
        return withOutputLevel(env, level, outputLevel, inputs, inputs.get(0).smallestKey(),
                inputs.get(inputs.size() - 1).largestKey(), reason, score);
    }

    /** Adds the output-level overlaps and grandparents to start inputs covering {@code [lo, hi]}; null if blocked. */
    private PickedCompaction withOutputLevel(CompactionEnv env, int startLevel, int outputLevel,
                                             List<FileMetadata> inputs, byte[] lo, byte[] hi,
                                             CompactionReason reason, double score) {
        List<FileMetadata> outputInputs = List.of();
        if (outputLevel != startLevel) {
            List<FileMetadata> out = env.level(outputLevel);
            int[] r = LevelFiles.overlapping(out, lo, hi);
            r = LevelFiles.cleanCut(out, r[0], r[1]);
            outputInputs = out.subList(r[0], r[1]);
            if (LevelFiles.anyCompacting(outputInputs, env.compactingFiles())) {
                return null;
            }
            if (!outputInputs.isEmpty()) {
                lo = LevelFiles.minKey(lo, outputInputs.get(0).smallestKey());
                hi = LevelFiles.maxKey(hi, outputInputs.get(outputInputs.size() - 1).largestKey());
            }
        }
        for (KeyRangeOfRunningOutput running : env.runningOutputs()) {
            if (running.level() == outputLevel && running.overlaps(lo, hi)) {
                return null;
            }
        }
        List<FileMetadata> grandparents = List.of();
        if (outputLevel + 1 < env.numLevels()) {
            List<FileMetadata> gp = env.level(outputLevel + 1);
            int[] r = LevelFiles.overlapping(gp, lo, hi);
            grandparents = gp.subList(r[0], r[1]);
        }
        boolean bottommost = true;
        for (int level = outputLevel + 1; level < env.numLevels() && bottommost; level++) {
            int[] r = LevelFiles.overlapping(env.level(level), lo, hi);
            bottommost = r[0] == r[1];
        }
        boolean trivialMove = reason != CompactionReason.MARKED && startLevel != outputLevel
                && inputs.size() == 1 && outputInputs.isEmpty()
                && LevelFiles.totalBytes(grandparents) <= env.options().maxGrandparentOverlapBytes()
                && onePrefix(inputs.get(0), env.options().cutPrefixBytes());
        return new PickedCompaction(startLevel, outputLevel, inputs, outputInputs, grandparents, lo, hi, reason,
                score, bottommost, trivialMove);
    }

    /**
     * Estimated bytes compaction must still rewrite to bring every level within its target
     * (RocksDB's {@code estimated_compaction_needed_bytes} idea):
     * <ul>
     *   <li>if L0 is at its file trigger or over {@code baseLevelTargetBytes}: all of L0 plus all of
     *       the base level (an L0 compaction rewrites both), and L0's bytes flow into the base level;</li>
     *   <li>for each level from the base level down to the one above the last, with the bytes flowing
     *       in from above added to its size: the excess over its target flows into the next level, and
     *       rewriting it costs the excess times {@code (1 + next level size / this level size)}, the
     *       fan-out of merging it with the next level; nothing when the next level is empty (trivial
     *       moves).</li>
     * </ul>
     */
    public long pendingCompactionBytes(CompactionEnv env) {
        LevelTargets targets = levelTargets(env);
        long[] bytes = env.levelBytes();
        CompactionOptions options = env.options();
        int baseLevel = targets.baseLevel();
        long pending = 0;
        long incoming = 0;
        if (env.l0WeightedFiles(true) >= options.l0CompactionTrigger() || bytes[0] >= options.baseLevelTargetBytes()) {
            pending = bytes[0] + bytes[baseLevel];
            incoming = bytes[0];
        }
        for (int level = baseLevel; level < env.numLevels() - 1; level++) {
            long size = bytes[level] + incoming;
            incoming = 0;
            long target = targets.targetBytes(level);
            if (size > target) {
                long excess = size - target;
                incoming = excess;
                long next = bytes[level + 1];
                if (next > 0) {
                    pending += (long) (excess * (1.0 + (double) next / size));
                }
            }
        }
        return pending;
    }

    /**
     * Write backpressure, checked in this order (the first match wins, STOP before SLOWDOWN):
     * <ol>
     *   <li>STOP: immutable memtables ≥ {@code maxImmutableMemtables};</li>
     *   <li>STOP: L0 files ≥ {@code l0StopTrigger};</li>
     *   <li>STOP: pending compaction bytes ≥ {@code hardPendingCompactionBytes};</li>
     *   <li>SLOWDOWN: immutable memtables ≥ {@code maxImmutableMemtables - 1} when that maximum is ≥ 3
     *       (with fewer, a slowdown at the last-but-one would throttle every flush);</li>
     *   <li>SLOWDOWN: L0 files ≥ {@code l0SlowdownTrigger};</li>
     *   <li>SLOWDOWN: pending compaction bytes ≥ {@code softPendingCompactionBytes}.</li>
     * </ol>
     * Liveness: every condition is one compaction or flush can reduce, and the picker always finds
     * work for it (L0 at the stop trigger scores ≥ 1; a level over its target always yields a pick
     * when its files are not all busy).
     */
    public StallDecision stall(CompactionEnv env, int immutableMemtables, int maxImmutableMemtables) {
        CompactionOptions options = env.options();
        int l0Files = env.level(0).size();
        long pending = pendingCompactionBytes(env);
        if (immutableMemtables >= maxImmutableMemtables) {
            return new StallDecision(StallDecision.Kind.STOP, "immutable memtables " + immutableMemtables
                    + " >= max " + maxImmutableMemtables);
        }
        if (l0Files >= options.l0StopTrigger()) {
            return new StallDecision(StallDecision.Kind.STOP, "L0 files " + l0Files + " >= stop trigger "
                    + options.l0StopTrigger());
        }
        if (pending >= options.hardPendingCompactionBytes()) {
            return new StallDecision(StallDecision.Kind.STOP, "pending compaction bytes " + pending
                    + " >= hard limit " + options.hardPendingCompactionBytes());
        }
        if (maxImmutableMemtables >= 3 && immutableMemtables >= maxImmutableMemtables - 1) {
            return new StallDecision(StallDecision.Kind.SLOWDOWN, "immutable memtables " + immutableMemtables
                    + " >= max - 1 = " + (maxImmutableMemtables - 1));
        }
        if (l0Files >= options.l0SlowdownTrigger()) {
            return new StallDecision(StallDecision.Kind.SLOWDOWN, "L0 files " + l0Files + " >= slowdown trigger "
                    + options.l0SlowdownTrigger());
        }
        if (pending >= options.softPendingCompactionBytes()) {
            return new StallDecision(StallDecision.Kind.SLOWDOWN, "pending compaction bytes " + pending
                    + " >= soft limit " + options.softPendingCompactionBytes());
        }
        return StallDecision.NONE;
    }

    /**
     * Split points for running {@code compaction} as up to {@code maxSubcompactions} parallel key
     * ranges of roughly equal input bytes. Subcompaction {@code i} takes the user keys in
     * {@code [split[i-1], split[i])} (the first from −∞, the last to +∞), so every version of a user
     * key lands in one subcompaction.
     *
     * <p>Candidate split points are the boundary user keys of the input files. They cut the input
     * range into slots ({@code [key_j, key_j+1)}, and the last key on its own); each file's bytes are
     * spread evenly over the slots it spans (file contents are not read, so this is an estimate). A
     * split is placed at the start of the slot after which the running total first reaches the next
     * multiple of {@code total / maxSubcompactions}.
     *
     * @return strictly increasing user keys, each greater than the compaction's smallest key; empty
     *         for a trivial move, for {@code maxSubcompactions <= 1}, or when the inputs cannot be split
     */
    public List<byte[]> subcompactionBoundaries(PickedCompaction compaction, int maxSubcompactions) {
        if (maxSubcompactions <= 1 || compaction.isTrivialMove()) {
            return List.of();
        }
        List<FileMetadata> files = compaction.allInputs();
        byte[][] keys = new byte[files.size() * 2][];
        for (int i = 0; i < files.size(); i++) {
            keys[2 * i] = files.get(i).smallestKey();
            keys[2 * i + 1] = files.get(i).largestKey();
        }
        Arrays.sort(keys, InternalKeys::compareUserKeys);
        int unique = 0;
        for (byte[] k : keys) {
            if (unique == 0 || InternalKeys.compareUserKeys(keys[unique - 1], k) != 0) {
                keys[unique++] = k;
            }
        }
        if (unique < 2) {
            return List.of();
        }
        double[] slotBytes = new double[unique];
        double total = 0;
        for (FileMetadata f : files) {
            int a = Arrays.binarySearch(keys, 0, unique, f.smallestKey(), InternalKeys::compareUserKeys);
            int b = Arrays.binarySearch(keys, 0, unique, f.largestKey(), InternalKeys::compareUserKeys);
            double share = (double) f.sizeBytes() / (b - a + 1);
            for (int j = a; j <= b; j++) {
                slotBytes[j] += share;
            }
            total += f.sizeBytes();
        }
        double perRange = total / maxSubcompactions;
        List<byte[]> splits = new ArrayList<>();
        double sum = 0;
        for (int j = 0; j + 1 < unique && splits.size() < maxSubcompactions - 1; j++) {
            sum += slotBytes[j];
            if (sum >= perRange * (splits.size() + 1)) {
                splits.add(keys[j + 1]);
            }
        }
        return splits;
    }

    /** Whether every key of {@code f} has the same first {@code cutPrefixBytes} bytes (always, when 0). */
    private static boolean onePrefix(FileMetadata f, int cutPrefixBytes) {
        if (cutPrefixBytes == 0) {
            return true;
        }
        byte[] a = f.smallestKey();
        byte[] b = f.largestKey();
        return Arrays.equals(a, 0, Math.min(a.length, cutPrefixBytes), b, 0, Math.min(b.length, cutPrefixBytes));
    }
}
