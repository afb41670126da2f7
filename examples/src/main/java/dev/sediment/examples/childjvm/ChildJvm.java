package dev.sediment.examples.childjvm;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A main class running in a child JVM on the caller's classpath, with stdout and stderr appended to
 * a log file.
 *
 * <p>{@link #kill()} is SIGKILL: the child gets no chance to flush or close anything, as in a
 * machine crash. {@link #stop()} is SIGTERM, so the child's shutdown hooks run, then SIGKILL if it
 * has not exited after a grace period. The child halts by itself if this JVM dies ({@link
 * OrphanGuard}).
 *
 * <p>Thread safety: safe for use from several threads (every method delegates to {@link Process}).
 */
public final class ChildJvm implements AutoCloseable {
    /** Small and quick to start: children are short-lived test and example processes. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);
    // SIGKILL cannot be ignored; a child that outlives this is stuck in the kernel (e.g. on I/O).
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final String name;
    private final Process process;
    private final LogFile log;

    private ChildJvm(String name, Process process, LogFile log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Builder builder(Class<?> mainClass, Path logFile) {
        return new Builder(mainClass.getName(), logFile);
    }

    public static Builder builder(String mainClassName, Path logFile) {
        return new Builder(mainClassName, logFile);
    }

    public long pid() {
        return process.pid();
    }

    public LogFile log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while the child runs. 137 means SIGKILL, 143 SIGTERM. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits for the child to exit on its own; empty if it still runs after {@code timeout}. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /**
     * Waits until the log holds {@code text} at least {@code occurrences} times (a child restarted on
     * the same log appends to it).
     *
     * @throws IllegalStateException if the child exits first or the timeout passes; the message
     *     names the log file and quotes its tail
     */
    public void awaitLog(String text, int occurrences, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (log.count(text) < occurrences) {
            if (!process.isAlive() && log.count(text) < occurrences) {
                throw failure("exited with code " + process.exitValue() + " before logging '" + text + "'");
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not log '" + text + "' (" + occurrences + "x) within " + timeout);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    public void awaitLog(String text, Duration timeout) throws InterruptedException {
        awaitLog(text, 1, timeout);
    }

    /** An error about this child that points at its log. */
    public IllegalStateException failure(String what) {
        return new IllegalStateException(
                this + " " + what + "; see " + log + "; last lines:\n" + log.tail(30));
    }

    /** SIGKILL, then waits for the exit; returns the exit code (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failure("survived SIGKILL for " + KILL_TIMEOUT);
        }
        return process.exitValue();
    }

    /** SIGTERM; SIGKILL if the child still runs after {@code grace}. Returns the exit code. */
    public int stop(Duration grace) throws InterruptedException {
        // Not process.destroy(): it also closes the child's stdin, which the orphan guard takes for
        // this JVM's death, and it would halt the child in the middle of its shutdown hooks.
        process.toHandle().destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        return kill();
    }

    public int stop() throws InterruptedException {
        return stop(DEFAULT_STOP_GRACE);
    }

    /**
     * Stops the child if it still runs, as {@link #stop()} does; if this thread is interrupted
     * meanwhile, SIGKILL at once, and the interrupt stays set for the caller to see.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** What to launch. Each setter returns this builder; {@link #start()} may be called more than once. */
    public static final class Builder {
        private final String mainClass;
        private final Path logFile;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;

        private Builder(String mainClass, Path logFile) {
            this.mainClass = mainClass;
            this.logFile = logFile;
        }

        public Builder args(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /** Replaces {@link #DEFAULT_JVM_OPTIONS}, e.g. {@code "-Xmx512m", "-XX:+UseSerialGC"}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        public ChildJvm start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-D" + OrphanGuard.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
            command.add(OrphanGuard.class.getName());
            command.add(mainClass);
            command.addAll(args);

            Files.createDirectories(logFile.toAbsolutePath().getParent());
            appendHeader(command);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // Through the environment rather than -cp: `ps` then shows a readable command line.
            builder.environment().put("CLASSPATH", currentClasspath());
            // stdin stays a pipe that this JVM never closes: its end-of-file tells the child we are gone.
            Process process = builder.start();
            String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            return new ChildJvm(simpleName, process, new LogFile(logFile));
        }

        private void appendHeader(List<String> command) throws IOException {
            try (Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write("=== " + Instant.now() + " " + String.join(" ", command.subList(1, command.size()))
                        + System.lineSeparator());
            }
        }
    }

    /**
     * The caller's classpath. Under {@code mvn exec:java} the project classes are in a URLClassLoader
     * and {@code java.class.path} holds only Maven's launcher, so such a loader wins when present.
     */
    static String currentClasspath() {
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader();
                loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
                return Arrays.stream(urls.getURLs())
                        .map(ChildJvm::toPath)
                        .collect(Collectors.joining(File.pathSeparator));
            }
        }
        return System.getProperty("java.class.path");
    }

    private static String toPath(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a file URL on the classpath: " + url, e);
        }
    }
}
