package dev.sediment.store.compaction;

import dev.sediment.store.key.InternalKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

/**
 * Text-driven picker tests over {@code testdata/compaction/picker_*}. Commands:
 * <ul>
 *   <li>{@code define [options]} + an LSM (see {@link LsmText}): sets the env; prints the level targets.</li>
 *   <li>{@code scores}: base level, bytes, target and score of every level.</li>
 *   <li>{@code pick}: the picked compaction or {@code none}.</li>
 *   <li>{@code manual level=N [from=k] [to=k]}: a {@code compactRange} pick.</li>
 *   <li>{@code pending}: estimated pending compaction bytes.</li>
 *   <li>{@code stall imm=N max=M}: the stall decision.</li>
 *   <li>{@code subcompactions max=N}: split points of the last picked compaction.</li>
 *   <li>{@code pace threads=N}: the {@link CompactionPacing} decision on a pool of N threads.</li>
 * </ul>
 */
class CompactionPickerTest {
    private final CompactionPicker picker = new CompactionPicker();
    private CompactionEnv env;
    private PickedCompaction last;

    @ParameterizedTest
    @ValueSource(strings = {"picker_scores", "picker_l0", "picker_levels", "picker_other", "picker_stall", "picker_pacing"})
    void script(String file) {
        DataDriven.run(file, this::run);
    }

    private String run(DataDriven.Case c) {
        switch (c.command()) {
            case "define":
                env = LsmText.parse(c.input(), c.args());
                last = null;
                return formatTargets(picker.levelTargets(env));
            case "scores": {
                LevelTargets targets = picker.levelTargets(env);
                double[] scores = picker.scores(env);
                long[] bytes = env.levelBytes();
                StringBuilder sb = new StringBuilder("base=L" + targets.baseLevel());
                for (int level = 0; level < env.numLevels(); level++) {
                    sb.append(String.format("%nL%d: files=%d bytes=%s target=%s score=%.2f", level,
                            env.level(level).size(), LsmText.formatSize(bytes[level]),
                            LsmText.formatSize(targets.targetBytes(level)), scores[level]));
                }
                return sb.toString();
            }
            case "pick":
                last = picker.pick(env);
                return last == null ? "none" : last.toString();
            case "manual": {
                byte[] from = c.has("from") ? LsmText.key(c.arg("from", null)) : null;
                byte[] to = c.has("to") ? LsmText.key(c.arg("to", null)) : null;
                last = picker.manual(env, from, to, Integer.parseInt(c.arg("level", "0")));
                return last == null ? "none" : last.toString();
            }
            case "pending":
                return LsmText.formatSize(picker.pendingCompactionBytes(env));
            case "stall":
                return picker.stall(env, Integer.parseInt(c.arg("imm", "0")), Integer.parseInt(c.arg("max", "2")))
                        .toString();
            case "pace": {
                long pending = picker.pendingCompactionBytes(env);
                boolean urgent = CompactionPacing.urgent(env, pending);
                int threads = Integer.parseInt(c.arg("threads", "2"));
                return "L0 files=" + env.level(0).size() + " speedup at=" + CompactionPacing.speedupL0Files(env.options())
                        + " pending=" + LsmText.formatSize(pending) + " urgent=" + urgent
                        + " compactions allowed=" + CompactionPacing.allowedCompactions(threads, urgent) + " of " + threads;
            }
            case "subcompactions": {
                List<byte[]> splits = picker.subcompactionBoundaries(last, Integer.parseInt(c.arg("max", "1")));
                StringBuilder sb = new StringBuilder("splits:");
                for (byte[] k : splits) {
                    sb.append(' ').append(InternalKeys.printable(k));
                }
                return sb.toString();
            }
            default:
                throw new IllegalArgumentException("unknown command " + c.command());
        }
    }

    private static String formatTargets(LevelTargets targets) {
        StringBuilder sb = new StringBuilder("base=L").append(targets.baseLevel()).append(" targets:");
        for (int level = 1; level < targets.numLevels(); level++) {
            sb.append(" L").append(level).append('=').append(LsmText.formatSize(targets.targetBytes(level)));
        }
        return sb.toString();
    }
}
