package dev.sediment.store.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A tiny text-driven test runner in the style of Pebble's datadriven package. A script is a series of
 * cases separated by blank lines; {@code #} lines between cases are comments:
 * <pre>
 *   command arg1=value flag
 *   input line
 *   ----
 *   expected output (no blank lines)
 * </pre>
 * Run with {@code -Drewrite=true} to replace the expected outputs with the actual ones.
 */
final class DataDriven {
    static final Path TESTDATA = Path.of("src/test/resources/testdata/compaction");

    /** One case of a script. */
    record Case(String command, Map<String, String> args, List<String> input, int line) {
        String arg(String name, String dflt) {
            return args.getOrDefault(name, dflt);
        }

        boolean has(String name) {
            return args.containsKey(name);
        }
    }

    private DataDriven() {
    }

    static void run(String fileName, Function<Case, String> handler) {
        Path file = TESTDATA.resolve(fileName);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean rewrite = Boolean.getBoolean("rewrite");
        List<String> rewritten = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.add(line);
                i++;
                continue;
            }
            int start = i;
            String[] words = line.trim().split("\\s+");
            Map<String, String> args = new LinkedHashMap<>();
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                if (eq < 0) {
                    args.put(words[w], "");
                } else {
                    args.put(words[w].substring(0, eq), words[w].substring(eq + 1));
                }
            }
            rewritten.add(line);
            i++;
            List<String> input = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).equals("----")) {
                input.add(lines.get(i));
                rewritten.add(lines.get(i));
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalStateException(file + ":" + (start + 1) + ": missing ----");
            }
            rewritten.add("----");
            i++;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i));
                i++;
            }
            String actual;
            try {
                actual = handler.apply(new Case(words[0], args, input, start + 1)).strip();
            } catch (RuntimeException e) {
                actual = "error: " + e.getMessage();
            }
            if (!actual.equals(String.join("\n", expected).strip())) {
                failures.add(file + ":" + (start + 1) + ": " + line + "\n--- expected\n"
                        + String.join("\n", expected) + "\n--- actual\n" + actual);
            }
            if (!actual.isEmpty()) {
                rewritten.addAll(List.of(actual.split("\n")));
            }
        }
        if (rewrite) {
            try {
                Files.writeString(file, String.join("\n", rewritten) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " case(s) failed:\n\n" + String.join("\n\n", failures));
        }
    }
}
