package dev.sediment.streams;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM that writes a store and prints {@code committed <offset> <elapsedMillis>} after each commit, killed
 * with SIGKILL (no shutdown hooks, no close) at the first commit printed after {@code killAfterMillis}. Every
 * offset it printed, also those printed just before the signal landed, goes into {@code committed}.
 */
public final class KilledChild {
    private KilledChild() {
    }

    public static void runAndKill(Class<?> main, File stateDir, long killAfterMillis, Set<Long> committed) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                main.getName(), stateDir.getAbsolutePath());
        pb.redirectErrorStream(true);
        Process child = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("child made no progress before the deadline");
                }
                if (line.startsWith("committed ")) {
                    String[] parts = line.split(" ");
                    committed.add(Long.parseLong(parts[1]));
                    if (Long.parseLong(parts[2]) >= killAfterMillis) {
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        reader.join(10_000);
        for (String line; (line = lines.poll()) != null; ) { // printed before the kill landed: committed too
            if (line.startsWith("committed ")) {
                committed.add(Long.parseLong(line.split(" ")[1]));
            }
        }
    }
}
