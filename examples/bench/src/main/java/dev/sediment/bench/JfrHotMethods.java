package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/** The hottest methods of a JFR recording's execution samples: by own time (top frame) and including callees. */
final class JfrHotMethods {
    private JfrHotMethods() {
    }

    static String summarize(Path jfr, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            var thread = event.getThread("sampledThread");
            threads.merge(thread == null ? "?" : String.valueOf(thread.getJavaName()).replaceAll("-\\d+$", "-N"), 1, Integer::sum);
            List<RecordedFrame> frames = stack.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%,d execution samples in %s%n", samples, jfr));
        out.append(String.format("by thread:%n"));
        append(out, threads, samples, 6);
        out.append(String.format("self time (top frame):%n"));
        append(out, self, samples, top);
        out.append(String.format("including callees (bench and thread frames left out):%n"));
        Map<String, Integer> inclusive = new HashMap<>(total);
        inclusive.keySet().removeIf(n -> n.startsWith("dev.sediment.bench.") || n.startsWith("java.lang.Thread.")
                || n.startsWith("dev.sediment.examples.childjvm.") || n.startsWith("jdk.internal.reflect.")
                || n.startsWith("java.lang.reflect.") || n.startsWith("java.util.concurrent.ThreadPoolExecutor")
                || n.contains("$$Lambda$"));
        append(out, inclusive, samples, top);
        return out.toString();
    }

    private static void append(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(String.format("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
