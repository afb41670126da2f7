package dev.sediment.examples.run;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka an example talks to: the one named by {@code bootstrap.servers}, or else an embedded
 * broker started here and stopped by {@link #close()}.
 *
 * <p>Against a Kafka of your own every run uses topics and an application id of its own ({@link
 * #runSuffix()}), so the records of an earlier run never mix into this run's totals.
 */
public final class ExampleKafka implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final EmbeddedKafkaBroker broker; // null for a Kafka of the user's
    private final Admin admin;
    private final String runSuffix;

    private ExampleKafka(String bootstrapServers, EmbeddedKafkaBroker broker, String runSuffix) {
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
        this.runSuffix = runSuffix;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Connects to the Kafka in {@code options}, or starts an embedded broker.
     *
     * @throws IllegalStateException if the given Kafka does not answer; the message says what to do
     */
    public static ExampleKafka connect(ExampleOptions options) throws IOException, InterruptedException {
        if (options.bootstrapServers().isPresent()) {
            String servers = options.bootstrapServers().get();
            System.out.printf("Using the Kafka at %s%n", servers);
            ExampleKafka kafka = new ExampleKafka(servers, null, "-" + Long.toString(System.currentTimeMillis(), 36));
            try {
                kafka.awaitAnswer();
            } catch (RuntimeException | InterruptedException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        }
        System.out.println("No bootstrap.servers given: starting an embedded Kafka broker (about 10 s)...");
        Path parent = Files.createDirectories(options.workDir().resolve("kafka"));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory(parent, "broker-"));
        System.out.printf("Embedded Kafka broker ready on %s (log: %s)%n", broker.bootstrapServers(), broker.log());
        return new ExampleKafka(broker.bootstrapServers(), broker, "");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Empty on the embedded broker; a per-run suffix for topic names and application ids otherwise. */
    public String runSuffix() {
        return runSuffix;
    }

    /** Creates topics (existing ones are kept) and waits until every partition has a leader. */
    public void createTopics(int partitions, String... names) throws InterruptedException {
        for (String name : names) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers
                            + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw unreachable("creating topic " + name);
            }
            awaitLeaders(name);
        }
    }

    private void awaitLeaders(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
                }
                // created by the controller, not yet known to the broker answering us
            } catch (TimeoutException e) {
                throw unreachable("describing topic " + topic);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("topic " + topic + " has partitions without a leader after " + TIMEOUT);
    }

    private void awaitAnswer() throws InterruptedException {
        try {
            admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable("asking for the cluster's brokers");
        }
    }

    private IllegalStateException unreachable(String what) {
        return new IllegalStateException("No Kafka answered on " + bootstrapServers + " within " + TIMEOUT
                + " while " + what + ". Start one there, fix -D" + ExampleOptions.BOOTSTRAP_SERVERS
                + " (or BOOTSTRAP_SERVERS), or leave it unset to run on an embedded broker.");
    }

    /** Closes the admin client and stops the embedded broker, if any. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        if (broker != null) {
            System.out.println("Stopping the embedded Kafka broker...");
            broker.close();
        }
    }
}
