package dev.sediment.examples.broker;

import dev.sediment.examples.childjvm.ChildJvm;
import dev.sediment.examples.childjvm.LogFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real Kafka broker for examples and end-to-end tests: Kafka's own broker from the {@code
 * kafka_2.13} artifact, one KRaft node acting as broker and controller, on loopback ports, in a
 * child JVM (so its heap, threads and logs stay out of the caller's, and it dies with the caller).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *     broker.createTopic("words", 2);
 *     props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>The broker writes its storage and its log ({@code broker.log}) to one directory, kept after
 * {@link #close()} for inspection.
 *
 * <p>Thread safety: safe for use from several threads (Kafka's {@code Admin} is).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Logged by the broker once it serves clients; see {@code KafkaRaftServer.startup}. */
    static final String STARTED_LINE = "Kafka Server started";
    private static final String BIND_FAILURE = "Address already in use";
    // The ports are chosen before the broker binds them, so a concurrent build may take one first.
    private static final int START_ATTEMPTS = 3;
    private static final List<String> JVM_OPTIONS =
            List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final BrokerConfig config;
    private final ChildJvm jvm;
    private final Admin admin;
    private boolean closed;

    private EmbeddedKafkaBroker(BrokerConfig config, ChildJvm jvm, Admin admin) {
        this.config = config;
        this.jvm = jvm;
        this.admin = admin;
    }

    /** Starts a broker in a new directory under {@code target/kafka/}. */
    public static EmbeddedKafkaBroker start() throws IOException, InterruptedException {
        return builder().start();
    }

    /** Starts a broker on {@code directory}, formatting it if it is new. */
    public static EmbeddedKafkaBroker start(Path directory) throws IOException, InterruptedException {
        return builder().directory(directory).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For the clients' {@code bootstrap.servers}, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    public Path directory() {
        return config.directory();
    }

    /** The broker JVM's stdout and stderr. */
    public LogFile log() {
        return jvm.log();
    }

    /** The pid of the broker's JVM. */
    public long pid() {
        return jvm.pid();
    }

    /**
     * Creates a topic with one replica and waits until the broker serves every partition, so a
     * client may use it at once.
     *
     * @throws org.apache.kafka.common.errors.TopicExistsException and Kafka's other API errors as they are
     */
    public void createTopic(String name, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        await(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(), "create topic " + name);
        while (!servesAllPartitions(name, partitions)) {
            if (System.nanoTime() - deadline > 0) {
                throw jvm.failure("has no leader for every partition of " + name + " after " + ADMIN_TIMEOUT);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private boolean servesAllPartitions(String topic, int partitions) throws InterruptedException {
        TopicDescription description;
        try {
            description = await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    "describe topic " + topic);
        } catch (UnknownTopicOrPartitionException e) {
            return false; // the controller created it, but the broker has not applied that metadata yet
        }
        return description.partitions().size() == partitions
                && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    private <T> T await(KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw jvm.failure("did not " + what + " within " + ADMIN_TIMEOUT);
        }
    }

    /** Controlled shutdown (SIGTERM), then SIGKILL if the broker has not stopped after 30 s. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        admin.close(Duration.ofSeconds(5));
        jvm.close();
        log.info("Kafka broker on {} stopped in {} (exit code {})",
                bootstrapServers(), seconds(start), jvm.exitCode().orElse(-1));
    }

    @Override
    public String toString() {
        return "Kafka broker on " + bootstrapServers() + " (pid " + pid() + ", " + directory() + ")";
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    /** Where and how to start; every setting has a default. */
    public static final class Builder {
        private Path directory;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** The broker's storage and log directory; by default a new one under {@code target/kafka/}. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Overrides a {@code server.properties} setting, e.g. {@code transaction.max.timeout.ms}. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** How long one start may take before it fails; 60 s by default, for busy build machines. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Formats the directory if needed, starts the broker and waits until it answers.
         *
         * @throws IllegalStateException if the broker exits or does not answer in time; the message
         *     names the broker's log file and quotes its tail
         */
        public EmbeddedKafkaBroker start() throws IOException, InterruptedException {
            Path dir = directory != null ? directory : newDirectoryUnderTarget();
            Files.createDirectories(dir);
            String clusterId = Uuid.randomUuid().toString();
            long start = System.nanoTime();
            log.info("starting Kafka broker in {}", dir);
            for (int attempt = 1; ; attempt++) {
                BrokerConfig config = BrokerConfig.onFreePorts(dir, brokerProperties);
                Path logFile = dir.resolve("broker.log");
                int bindFailuresBefore = new LogFile(logFile).count(BIND_FAILURE);
                ChildJvm jvm = ChildJvm.builder(BrokerMain.class, logFile)
                        .jvmOptions(JVM_OPTIONS.toArray(String[]::new))
                        .args(config.write().toString(), clusterId)
                        .start();
                try {
                    Admin admin = awaitReady(jvm, config, startTimeout);
                    log.info("Kafka broker ready on {} in {} (pid {}, log {})",
                            config.bootstrapServers(), seconds(start), jvm.pid(), logFile);
                    return new EmbeddedKafkaBroker(config, jvm, admin);
                } catch (RuntimeException | InterruptedException e) {
                    jvm.kill();
                    if (attempt < START_ATTEMPTS && jvm.log().count(BIND_FAILURE) > bindFailuresBefore) {
                        log.warn("Kafka broker lost port {} or {} to another process; retrying",
                                config.brokerPort(), config.controllerPort());
                        continue;
                    }
                    throw e;
                }
            }
        }

        private static Path newDirectoryUnderTarget() throws IOException {
            Path parent = Files.createDirectories(Path.of("target", "kafka"));
            return Files.createTempDirectory(parent, "broker-");
        }

        private static Admin awaitReady(ChildJvm jvm, BrokerConfig config, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            // An Admin created before the broker listens fills the caller's log with connection
            // errors, so the broker's own line comes first, then a round trip proves it serves.
            jvm.awaitLog(STARTED_LINE, timeout);
            long leftMillis = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get(leftMillis, TimeUnit.MILLISECONDS);
                if (nodes.isEmpty()) {
                    throw jvm.failure("describes a cluster without brokers");
                }
                return admin;
            } catch (ExecutionException | TimeoutException e) {
                admin.close(Duration.ZERO);
                throw jvm.failure("logged '" + STARTED_LINE + "' but answered no describeCluster within "
                        + timeout + " (" + e + ")");
            } catch (RuntimeException | InterruptedException e) {
                admin.close(Duration.ZERO);
                throw e;
            }
        }
    }
}
