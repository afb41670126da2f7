package dev.sediment.store.compaction;

import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.FileMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * A compaction chosen by the {@link CompactionPicker}, ready for the engine to execute.
 *
 * <p>Invariants: the inputs are a clean cut of their levels (no input file shares a user key with a
 * non-input file of the same level); {@code outputLevelInputs} are all files of the output level
 * overlapping {@code [smallestUserKey, largestUserKey]}; no input was being compacted when picked.
 * When {@code startLevel == outputLevel} (a rewrite within the bottom level, or an intra-L0 merge of the
 * newest L0 files) all inputs are in {@code startInputs} and {@code outputLevelInputs} is empty.
 *
 * @param startLevel        the level the compaction reads from
 * @param outputLevel       the level it writes to
 * @param startInputs       input files of the start level (L0: newest first)
 * @param outputLevelInputs input files of the output level, sorted by key
 * @param grandparents      files of {@code outputLevel + 1} overlapping the input range, for cutting
 *                          output files (see {@link OutputSplitter})
 * @param smallestUserKey   smallest user key of all inputs
 * @param largestUserKey    largest user key of all inputs
 * @param reason            why it was picked
 * @param score             the score of the start level at pick time (0 for MARKED and MANUAL)
 * @param bottommost        no file below the output level overlaps {@code [smallestUserKey,
 *                          largestUserKey]}: no older version of these keys exists below the output,
 *                          so the {@link CompactionIterator} may drop tombstones (pass it as
 *                          {@code bottommost})
 * @param trivialMove       the single start input may be moved to the output level by a manifest
 *                          edit alone, without rewriting it
 */
public record PickedCompaction(int startLevel, int outputLevel, List<FileMetadata> startInputs,
                               List<FileMetadata> outputLevelInputs, List<FileMetadata> grandparents,
                               byte[] smallestUserKey, byte[] largestUserKey, CompactionReason reason,
                               double score, boolean bottommost, boolean trivialMove) {
    public PickedCompaction {
        startInputs = List.copyOf(startInputs);
        outputLevelInputs = List.copyOf(outputLevelInputs);
        grandparents = List.copyOf(grandparents);
        if (startInputs.isEmpty()) {
            throw new IllegalArgumentException("no start inputs");
        }
        if (trivialMove && (startInputs.size() != 1 || !outputLevelInputs.isEmpty() || startLevel == outputLevel)) {
            throw new IllegalArgumentException("a trivial move has one start input and nothing to merge with");
        }
    }

    public boolean isTrivialMove() {
        return trivialMove;
    }

    /** Whether the output level is the bottommost for these keys (see {@link #bottommost()}). */
    public boolean isBottommost() {
        return bottommost;
    }

    public long inputBytes() {
        return LevelFiles.totalBytes(startInputs) + LevelFiles.totalBytes(outputLevelInputs);
    }

    /** Start inputs then output-level inputs. */
    public List<FileMetadata> allInputs() {
        List<FileMetadata> all = new ArrayList<>(startInputs.size() + outputLevelInputs.size());
        all.addAll(startInputs);
        all.addAll(outputLevelInputs);
        return all;
    }

    /** The key range this compaction writes into its output level, while it runs. */
    public KeyRangeOfRunningOutput outputRange() {
        byte[] lo = null;
        byte[] hi = null;
        for (FileMetadata f : allInputs()) {
            lo = lo == null ? f.smallestKey() : LevelFiles.minKey(lo, f.smallestKey());
            hi = hi == null ? f.largestKey() : LevelFiles.maxKey(hi, f.largestKey());
        }
        return new KeyRangeOfRunningOutput(outputLevel, lo, hi);
    }

    /** A one-line description for logs and text-driven tests. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append('L').append(startLevel).append("->L").append(outputLevel).append(' ').append(reason);
        if (reason.isScore()) {
            sb.append(String.format(" score=%.2f", score));
        }
        sb.append(" inputs=");
        appendNumbers(sb, startInputs);
        sb.append('+');
        appendNumbers(sb, outputLevelInputs);
        sb.append(" grandparents=");
        appendNumbers(sb, grandparents);
        sb.append(" range=").append(InternalKeys.printable(smallestUserKey)).append("..")
                .append(InternalKeys.printable(largestUserKey));
        sb.append(" bytes=").append(inputBytes());
        if (bottommost) {
            sb.append(" bottommost");
        }
        if (trivialMove) {
            sb.append(" trivial-move");
        }
        return sb.toString();
    }

    private static void appendNumbers(StringBuilder sb, List<FileMetadata> files) {
        sb.append('[');
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(files.get(i).fileNumber());
        }
        sb.append(']');
    }
}
