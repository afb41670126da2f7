package dev.sediment.examples.broker;

import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main of the broker's child JVM: formats the storage directory, then runs Kafka's own broker
 * main, which blocks until SIGTERM and then shuts down in a controlled way.
 *
 * <p>Arguments: the {@code server.properties} path and the cluster id to format with.
 */
final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) {
        String properties = args[0];
        String clusterId = args[1];
        // --ignore-formatted: a broker restarted on the same directory keeps its data and cluster id.
        int exitCode = StorageTool.execute(new String[] {
                "format", "--cluster-id", clusterId, "--config", properties, "--ignore-formatted"}, System.out);
        if (exitCode != 0) {
            System.err.println("formatting the broker's storage failed with exit code " + exitCode);
            System.exit(exitCode);
        }
        Kafka.main(new String[] {properties});
    }
}
