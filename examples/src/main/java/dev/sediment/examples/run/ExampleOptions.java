package dev.sediment.examples.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an example is told from outside, each as a system property or else an environment variable
 * (the Docker image sets the latter):
 *
 * <ul>
 *   <li>{@code bootstrap.servers} / {@code BOOTSTRAP_SERVERS}: the Kafka to use; unset, the example
 *       starts an embedded broker;
 *   <li>{@code example.seconds} / {@code EXAMPLE_SECONDS}: how long it produces and processes (30);
 *   <li>{@code examples.work.dir} / {@code EXAMPLES_WORK_DIR}: where broker data and state
 *       directories go ({@code target}; the exec plugin sets the module's {@code target}).
 * </ul>
 */
public record ExampleOptions(Optional<String> bootstrapServers, Duration runTime, Path workDir) {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String RUN_SECONDS = "example.seconds";
    public static final String WORK_DIR = "examples.work.dir";

    private static final int DEFAULT_SECONDS = 30;

    public static ExampleOptions fromSystem() {
        Optional<String> bootstrap = setting(BOOTSTRAP_SERVERS).filter(s -> !s.isBlank());
        int seconds = setting(RUN_SECONDS).map(s -> parseSeconds(s)).orElse(DEFAULT_SECONDS);
        Path workDir = Path.of(setting(WORK_DIR).orElse("target"));
        return new ExampleOptions(bootstrap, Duration.ofSeconds(seconds), workDir);
    }

    /** The same options with another run time; tests run the examples for a few seconds. */
    public ExampleOptions withRunTime(Duration runTime) {
        return new ExampleOptions(bootstrapServers, runTime, workDir);
    }

    /** Kafka Streams' {@code state.dir} for an application, under the work directory, never /tmp. */
    public Path stateDir(String applicationId) {
        return workDir.resolve("state").resolve(applicationId).toAbsolutePath();
    }

    /**
     * {@link #stateDir}, emptied first. An example's state belongs to the broker it ran against,
     * and the embedded broker is new on every run: stores left by an earlier run would describe
     * changelogs that no longer exist. (On a Kafka of your own every run has its own application id.)
     */
    public Path freshStateDir(String applicationId) throws IOException {
        Path dir = stateDir(applicationId);
        delete(dir);
        return dir;
    }

    /** Deletes a directory and everything in it; nothing if it does not exist. */
    public static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** The environment variable read when the system property is not set: {@code example.seconds} → {@code EXAMPLE_SECONDS}. */
    public static String environmentVariable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    static Optional<String> setting(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(environmentVariable(property));
        }
        return Optional.ofNullable(value);
    }

    private static int parseSeconds(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(RUN_SECONDS + " must be a positive number of seconds, not '" + value + "'");
    }
}
