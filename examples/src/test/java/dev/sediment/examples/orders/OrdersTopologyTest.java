package dev.sediment.examples.orders;

import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The main demo's topology without a broker: the join, both sums, the output. */
class OrdersTopologyTest {
    private static final OrdersTopology.Topics TOPICS = OrdersTopology.Topics.DEFAULT;

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void sumsRevenuePerCustomerAndPerRegionOfTheCustomersTable() {
        try (TopologyTestDriver driver = new TopologyTestDriver(OrdersTopology.build(TOPICS), properties())) {
            var customers = driver.createInputTopic(TOPICS.customers(), new StringSerializer(), Customer.SERDE.serializer());
            var orders = driver.createInputTopic(TOPICS.orders(), new StringSerializer(), new LongSerializer());
            var regionRevenue = driver.createOutputTopic(TOPICS.regionRevenue(), new StringDeserializer(), new LongDeserializer());

            customers.pipeInput("c-1", new Customer("Ada", "EU"));
            customers.pipeInput("c-2", new Customer("Grace", "NA"));
            customers.pipeInput("c-3", new Customer("Edsger", "EU"));
            orders.pipeInput("c-1", 1000L);
            orders.pipeInput("c-2", 250L);
            orders.pipeInput("c-3", 500L);
            orders.pipeInput("c-1", 1L);
            orders.pipeInput("c-9", 7L); // no such customer: in its own sum, not in a region's

            assertEquals(Map.of("c-1", 1001L, "c-2", 250L, "c-3", 500L, "c-9", 7L),
                    contents(driver.getKeyValueStore(OrdersTopology.REVENUE_BY_CUSTOMER)));
            assertEquals(Map.of("EU", 1501L, "NA", 250L),
                    contents(driver.getKeyValueStore(OrdersTopology.REVENUE_BY_REGION)));
            assertEquals(Map.of("EU", 1501L, "NA", 250L), regionRevenue.readKeyValuesToMap());
        }
    }

    private Properties properties() {
        Properties p = OrdersDemo.properties("unused:9092", "orders-topology-test", dir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return p;
    }

    static <V> Map<String, V> contents(KeyValueStore<String, V> store) {
        Map<String, V> entries = new TreeMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining((KeyValue<String, V> kv) -> entries.put(kv.key, kv.value));
        }
        return entries;
    }
}
