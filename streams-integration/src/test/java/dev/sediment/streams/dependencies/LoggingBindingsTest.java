package dev.sediment.streams.dependencies;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sediment's log lines reach the application's logging with an slf4j 1.7 binding and with an slf4j 2.x
 * provider: each run in a child JVM whose class path is this test's without any slf4j or log4j jar, plus
 * slf4j-api and slf4j-simple of one line (copied to {@code target/logging} by the build).
 */
@Timeout(120)
class LoggingBindingsTest {
    private static final String EXPECTED =
            "unknown Sediment setting sediment.memtable.byte is ignored; did you mean sediment.memtable.bytes?";

    @Test
    void logsThroughAnSlf4j17Binding() throws Exception {
        assertLogs("slf4j-1.7", "1.7.");
    }

    @Test
    void logsThroughAnSlf4j2Provider() throws Exception {
        assertLogs("slf4j-2", "2.");
    }

    private static void assertLogs(String backend, String apiVersionPrefix) throws Exception {
        Path dir = Path.of("target", "logging", backend);
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(p -> jars.add(p.toAbsolutePath().toString()));
        }
        assertEquals(2, jars.size(), "slf4j-api and slf4j-simple in " + dir.toAbsolutePath() + ": " + jars);
        assertTrue(jars.stream().anyMatch(j -> new File(j).getName().startsWith("slf4j-api-" + apiVersionPrefix)), jars.toString());
        List<String> classPath = new ArrayList<>(jars);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (!name.contains("slf4j") && !name.contains("log4j")) {
                classPath.add(entry);
            }
        }
        Path out = Files.createTempFile("logging-child", ".out");
        Path err = Files.createTempFile("logging-child", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", String.join(File.pathSeparator, classPath), LoggingChild.class.getName())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "child JVM did not finish");
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), stdout + stderr);
            assertTrue(stdout.contains("factory=org.slf4j.simple.SimpleLoggerFactory")
                    || stdout.contains("factory=org.slf4j.impl.SimpleLoggerFactory"), backend + ": " + stdout + stderr);
            assertTrue(stderr.contains("WARN") && stderr.contains(EXPECTED), backend + ": " + stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
