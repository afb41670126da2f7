package dev.sediment.examples.docker;

import dev.sediment.examples.run.ExampleOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/ cannot run on machines without a Docker engine, so this keeps it consistent with the
 * code instead: the Kafka image is the version the build uses, the environment the compose file
 * passes is what the examples read, the image runs a main class that exists.
 */
class DockerFilesTest {
    private static final Path DOCKER = Path.of("..", "docker");

    @Test
    void composeRunsTheKafkaVersionOfTheBuildInKraftMode() throws IOException {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        assertEquals("apache/kafka:" + defaultKafkaVersion(), value(compose, "image"));
        assertEquals("broker,controller", value(compose, "KAFKA_PROCESS_ROLES"));
        assertEquals("1", value(compose, "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"),
                "exactly-once on one node needs a transaction log with one replica");
    }

    /**
     * The build's default Kafka line (the build passes it, also when it tests the other line), else the
     * version of the kafka-clients jar on the class path (its own resource: AppInfoParser moved in 4.4).
     */
    private static String defaultKafkaVersion() throws IOException {
        String fromBuild = System.getProperty("kafka.default.version");
        if (fromBuild != null && !fromBuild.isBlank()) {
            return fromBuild;
        }
        Properties p = new Properties();
        try (InputStream in = KafkaProducer.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }

    @Test
    void composePassesTheDemoTheEnvironmentItReads() throws IOException {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        String bootstrap = value(compose, ExampleOptions.environmentVariable(ExampleOptions.BOOTSTRAP_SERVERS));
        assertEquals("kafka:9092", bootstrap);
        assertTrue(value(compose, "KAFKA_ADVERTISED_LISTENERS").contains("PLAINTEXT://" + bootstrap),
                "the demo's bootstrap server is the broker's advertised listener");
        assertEquals("\"60\"", value(compose, ExampleOptions.environmentVariable(ExampleOptions.RUN_SECONDS)));
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsAnExampleOnAJre() throws Exception {
        List<String> from = Files.readAllLines(DOCKER.resolve("Dockerfile")).stream()
                .filter(line -> line.startsWith("FROM ")).toList();
        assertEquals(List.of("FROM maven:3.9-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre"), from);
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("ENV " + ExampleOptions.environmentVariable(ExampleOptions.WORK_DIR) + "="));
        Matcher cmd = Pattern.compile("^CMD \\[\"([\\w.]+)\"]", Pattern.MULTILINE).matcher(dockerfile);
        assertTrue(cmd.find(), "a CMD naming the main class");
        assertDoesNotThrow(() -> Class.forName(cmd.group(1)).getMethod("main", String[].class));
    }

    /** The value of the first {@code key: value} line for {@code key}. */
    private static String value(String yaml, String key) {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(key) + ":\\s*(\\S+)\\s*$", Pattern.MULTILINE).matcher(yaml);
        assertTrue(m.find(), "no '" + key + ":' line");
        return m.group(1);
    }
}
