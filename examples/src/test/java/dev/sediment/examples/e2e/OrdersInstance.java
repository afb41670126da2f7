package dev.sediment.examples.e2e;

import dev.sediment.examples.orders.OrdersDemo;
import dev.sediment.examples.orders.OrdersTopology;
import dev.sediment.examples.run.BoundedRun;
import dev.sediment.streams.eos.SedimentClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/** One running instance of the main demo's application, as the end-to-end tests start it. */
final class OrdersInstance {
    private OrdersInstance() {}

    /**
     * Starts an instance with the demo's settings (exactly_once_v2, Sediment's client supplier)
     * and no record cache, so every order reaches the changelogs; returns once it is RUNNING.
     */
    static KafkaStreams start(OrdersTopology.Topics topics, String bootstrapServers, String applicationId,
            Path stateDir, RestoreCounter restores, StandbyCounter standbys, Properties overrides)
            throws InterruptedException {
        Properties properties = OrdersDemo.properties(bootstrapServers, applicationId, stateDir);
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        properties.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(OrdersTopology.build(topics), properties, new SedimentClientSupplier());
        streams.setGlobalStateRestoreListener(restores);
        streams.setStandbyUpdateListener(standbys);
        try {
            BoundedRun.start(streams).awaitRunning();
        } catch (RuntimeException | InterruptedException e) {
            streams.close(Duration.ofSeconds(10));
            throw e;
        }
        return streams;
    }
}
