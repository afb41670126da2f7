package dev.sediment.streams.dependencies;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code sediment-streams} brings to an application at run time, read from the dependency tree Maven
 * resolved for this module ({@code target/runtime-dependencies.txt}, written by maven-dependency-plugin's
 * {@code list} goal before the tests run): no Avro, no commons-* jars, and no slf4j-api newer than the one
 * kafka-clients 4.3.1's own POM names.
 */
class PublishedDependenciesTest {
    /** {@code group:artifact:type[:classifier]:version:scope}, as the list goal prints it. */
    private static final Pattern LINE = Pattern.compile(
            "^\\s*([\\w.\\-]+):([\\w.\\-]+):([\\w\\-]+)(?::([\\w.\\-]+))?:([\\w.\\-]+):(compile|runtime)\\b.*$");

    record Artifact(String group, String artifact, String version) {
        String coordinates() {
            return group + ":" + artifact + ":" + version;
        }
    }

    private static List<Artifact> runtimeDependencies() throws IOException {
        Path list = Path.of("target", "runtime-dependencies.txt");
        assertTrue(Files.exists(list), list.toAbsolutePath() + " is written by the build (mvn test, not the IDE)");
        List<Artifact> out = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                out.add(new Artifact(m.group(1), m.group(2), m.group(5)));
            }
        }
        // Kafka is provided, so the list holds only what this artifact adds; the engine is always among it.
        assertTrue(out.stream().anyMatch(a -> a.artifact().equals("sediment-store")),
                "parsed " + out + " from " + Files.readString(list));
        return out;
    }

    private static Artifact find(List<Artifact> deps, String group, String artifact) {
        return deps.stream().filter(a -> a.group().equals(group) && a.artifact().equals(artifact)).findFirst()
                .orElseThrow(() -> new AssertionError(group + ":" + artifact + " not in " + deps));
    }

    @Test
    void bringsNoAvroAndNoCommonsJars() throws IOException {
        for (Artifact a : runtimeDependencies()) {
            assertFalse(a.group().startsWith("org.apache.avro"), a.coordinates());
            assertFalse(a.artifact().startsWith("commons-") || a.group().startsWith("org.apache.commons")
                    || a.group().startsWith("commons-"), a.coordinates());
        }
    }

    @Test
    void zstdJniIsTheOneKafkaBrings() throws IOException {
        // The engine compresses with zstd-jni; kafka-clients brings it, and its version must be the one of the
        // application's Kafka line, not one this artifact was built with.
        for (Artifact a : runtimeDependencies()) {
            assertFalse(a.artifact().equals("zstd-jni"), a.coordinates());
        }
    }

    @Test
    void slf4jApiIsTheOneKafkaBrings() throws IOException {
        List<Artifact> deps = runtimeDependencies();
        Artifact slf4j = find(deps, "org.slf4j", "slf4j-api");
        // Kafka is provided (the application brings it): its version is the one on the test class path.
        String kafkas = slf4jVersionNamedByKafkaClientsPom(kafkaClientsVersionOnClassPath());
        assertTrue(compareVersions(slf4j.version(), kafkas) <= 0,
                "slf4j-api " + slf4j.version() + " is newer than kafka-clients' " + kafkas);
        assertTrue(slf4j.version().startsWith("1.7."), slf4j.coordinates());
    }

    @Test
    void jacksonCoreAndDatabindMatch() throws IOException {
        Map<String, String> jackson = new TreeMap<>();
        for (Artifact a : runtimeDependencies()) {
            if (a.group().equals("com.fasterxml.jackson.core") && !a.artifact().equals("jackson-annotations")) {
                jackson.put(a.artifact(), a.version());
            }
        }
        // With Kafka provided, Jackson comes with the application's Kafka; what we bring must not split it.
        assertTrue(jackson.values().stream().distinct().count() <= 1, "one Jackson version: " + jackson);
    }

    private static String kafkaClientsVersionOnClassPath() {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Matcher m = Pattern.compile("kafka-clients-([\\w.\\-]+?)\\.jar$").matcher(entry);
            if (m.find() && !entry.endsWith("-test.jar")) {
                return m.group(1);
            }
        }
        throw new AssertionError("kafka-clients is not on the test class path");
    }

    /** Reads the slf4j-api version out of kafka-clients' POM, next to its jar on the test class path. */
    private static String slf4jVersionNamedByKafkaClientsPom(String kafkaVersion) throws IOException {
        String jarName = "kafka-clients-" + kafkaVersion + ".jar";
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (jar.getFileName() != null && jar.getFileName().toString().equals(jarName)) {
                Path pom = jar.resolveSibling("kafka-clients-" + kafkaVersion + ".pom");
                String text = Files.readString(pom);
                Matcher m = Pattern.compile("<artifactId>slf4j-api</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
                assertTrue(m.find(), "no slf4j-api in " + pom);
                return m.group(1);
            }
        }
        throw new AssertionError(jarName + " is not on the test class path");
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("[.\\-]");
        String[] y = b.split("[.\\-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length && x[i].matches("\\d+") ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length && y[i].matches("\\d+") ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    @Test
    void versionComparison() {
        assertTrue(compareVersions("1.7.36", "2.0.17") < 0);
        assertTrue(compareVersions("2.0.17", "1.7.36") > 0);
        assertEquals(0, compareVersions("1.7.36", "1.7.36"));
        assertTrue(compareVersions("1.7.9", "1.7.36") < 0);
    }
}
