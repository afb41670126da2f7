package dev.sediment.store.compaction;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.manifest.FileMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses an LSM shape written as text, for picker tests:
 * <pre>
 *   L0: 7[a..c rev 10..12 1MB] 6[b..d 1MB]      (L0 newest first; rev defaults to decreasing ranges)
 *   L1: 3[a..b 2MB] 4[b..d 512KB]                (sorted by key; sizes in B, KB, MB, GB, binary units)
 *   compacting: 3 4
 *   marked: 6
 *   running: L2 a..c                             (one running compaction's output range per line)
 *   weights: 7=4                                 (L0 tables an intra-L0 merge folded into file 7)
 * </pre>
 * Levels not mentioned are empty. Options come from the define command's arguments
 * ({@code levels trigger slowdown stop base mult dynamic target maxcompaction maxgp soft hard subs}).
 */
final class LsmText {
    static final long KB = 1L << 10;
    static final long MB = 1L << 20;
    static final long GB = 1L << 30;

    private LsmText() {
    }

    static CompactionEnv parse(List<String> lines, Map<String, String> args) {
        int numLevels = Integer.parseInt(args.getOrDefault("levels", "7"));
        CompactionOptions.Builder b = CompactionOptions.builder();
        if (args.containsKey("trigger")) {
            b.l0CompactionTrigger(Integer.parseInt(args.get("trigger")));
        }
        if (args.containsKey("slowdown")) {
            b.l0SlowdownTrigger(Integer.parseInt(args.get("slowdown")));
        }
        if (args.containsKey("stop")) {
            b.l0StopTrigger(Integer.parseInt(args.get("stop")));
        }
        if (args.containsKey("base")) {
            b.baseLevelTargetBytes(size(args.get("base")));
        }
        if (args.containsKey("mult")) {
            b.levelSizeMultiplier(Integer.parseInt(args.get("mult")));
        }
        if (args.containsKey("dynamic")) {
            b.dynamicLevelBytes(Boolean.parseBoolean(args.get("dynamic")));
        }
        if (args.containsKey("target")) {
            b.targetFileSizeBytes(size(args.get("target")));
        }
        if (args.containsKey("maxcompaction")) {
            b.maxCompactionBytes(size(args.get("maxcompaction")));
        }
        if (args.containsKey("maxgp")) {
            b.maxGrandparentOverlapBytes(size(args.get("maxgp")));
        }
        if (args.containsKey("soft")) {
            b.softPendingCompactionBytes(size(args.get("soft")));
        }
        if (args.containsKey("hard")) {
            b.hardPendingCompactionBytes(size(args.get("hard")));
        }
        if (args.containsKey("subs")) {
            b.maxSubcompactions(Integer.parseInt(args.get("subs")));
        }
        List<List<FileMetadata>> levels = new ArrayList<>();
        for (int i = 0; i < numLevels; i++) {
            levels.add(new ArrayList<>());
        }
        Set<Long> compacting = new HashSet<>();
        Set<Long> marked = new HashSet<>();
        List<KeyRangeOfRunningOutput> running = new ArrayList<>();
        Map<Long, Integer> weights = new HashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String head = line.substring(0, colon);
            String rest = line.substring(colon + 1).strip();
            if (head.equals("compacting") || head.equals("marked")) {
                for (String n : rest.split("\\s+")) {
                    (head.equals("compacting") ? compacting : marked).add(Long.parseLong(n));
                }
            } else if (head.equals("weights")) {
                for (String w : rest.split("\\s+")) {
                    String[] kv = w.split("=");
                    weights.put(Long.parseLong(kv[0]), Integer.parseInt(kv[1]));
                }
            } else if (head.equals("running")) {
                String[] parts = rest.split("\\s+");
                String[] range = parts[1].split("\\.\\.");
                running.add(new KeyRangeOfRunningOutput(Integer.parseInt(parts[0].substring(1)),
                        key(range[0]), key(range[1])));
            } else if (head.startsWith("L")) {
                int level = Integer.parseInt(head.substring(1));
                levels.set(level, files(level, rest));
            } else {
                throw new IllegalArgumentException("unknown line: " + raw);
            }
        }
        return new CompactionEnv(levels, compacting, running, marked, b.build(), weights);
    }

    private static List<FileMetadata> files(int level, String text) {
        List<String> specs = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf('[', at);
            if (open < 0) {
                break;
            }
            int close = text.indexOf(']', open);
            specs.add(text.substring(at, close + 1).strip());
            at = close + 1;
        }
        List<FileMetadata> files = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            int open = spec.indexOf('[');
            long number = Long.parseLong(spec.substring(0, open).strip());
            String[] words = spec.substring(open + 1, spec.length() - 1).strip().split("\\s+");
            String[] range = words[0].split("\\.\\.");
            long minRev = 1;
            long maxRev = 1;
            if (level == 0) {
                maxRev = 1000 - 10L * i;
                minRev = maxRev - 9;
            }
            long sizeBytes = MB;
            for (int w = 1; w < words.length; w++) {
                if (words[w].equals("rev")) {
                    String[] revs = words[++w].split("\\.\\.");
                    minRev = Long.parseLong(revs[0]);
                    maxRev = Long.parseLong(revs[1]);
                } else {
                    sizeBytes = size(words[w]);
                }
            }
            files.add(new FileMetadata(number, sizeBytes, key(range[0]), InternalKeys.trailer(maxRev, KeyKind.PUT),
                    key(range[1]), InternalKeys.trailer(minRev, KeyKind.PUT), minRev, maxRev, 1, 0));
        }
        return files;
    }

    static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long size(String s) {
        String upper = s.toUpperCase();
        long unit = 1;
        String number = upper;
        if (upper.endsWith("KB")) {
            unit = KB;
        } else if (upper.endsWith("MB")) {
            unit = MB;
        } else if (upper.endsWith("GB")) {
            unit = GB;
        }
        if (unit != 1) {
            number = upper.substring(0, upper.length() - 2);
        } else if (upper.endsWith("B")) {
            number = upper.substring(0, upper.length() - 1);
        }
        return (long) (Double.parseDouble(number) * unit);
    }

    /** Bytes in the largest binary unit that divides them ({@code 3MB}, {@code 1536KB}, {@code 100B}). */
    static String formatSize(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "-";
        }
        if (bytes != 0 && bytes % GB == 0) {
            return bytes / GB + "GB";
        }
        if (bytes != 0 && bytes % MB == 0) {
            return bytes / MB + "MB";
        }
        if (bytes != 0 && bytes % KB == 0) {
            return bytes / KB + "KB";
        }
        return bytes + "B";
    }
}
