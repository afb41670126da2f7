package dev.sediment.examples.broker;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code server.properties} of a single-node KRaft broker (broker and controller in one
 * process) on loopback, tuned to start fast and to hold every internal topic on one replica.
 */
record BrokerConfig(Path directory, int brokerPort, int controllerPort, Map<String, String> overrides) {

    static final String FILE_NAME = "server.properties";

    /** Two ports free right now; another process may take them before the broker binds (see retries). */
    static BrokerConfig onFreePorts(Path directory, Map<String, String> overrides) throws IOException {
        try (ServerSocket broker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket controller = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new BrokerConfig(directory, broker.getLocalPort(), controller.getLocalPort(), Map.copyOf(overrides));
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    Properties properties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", directory.resolve("data").toAbsolutePath().toString());
        // Topics are created on purpose (Kafka Streams creates its own): a typo should fail, not auto-create.
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        // One broker: every internal topic on one replica, and few partitions, which start faster.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // No member waits for others to join: a single Streams instance starts processing at once.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        overrides.forEach(p::setProperty);
        return p;
    }

    /** Writes the file the broker reads, and returns its path. */
    Path write() throws IOException {
        Path file = directory.resolve(FILE_NAME);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties().store(out, "written by EmbeddedKafkaBroker");
        }
        return file;
    }
}
