package dev.sediment.examples.e2e;

import dev.sediment.examples.orders.Customer;
import dev.sediment.examples.orders.OrderFeed;
import dev.sediment.examples.orders.OrdersTopology;
import dev.sediment.examples.query.StoreQueries;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import static dev.sediment.examples.testing.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore after the state directory is lost, on any broker: the main demo's application counts
 * orders under exactly_once_v2 into Sediment stores, is stopped, its state directory is deleted,
 * and the restarted application must restore every store from its changelog: the restore listener
 * counts exactly the changelog's committed records, and before any new input the stores answer
 * exactly what the changelogs hold (and what the orders add up to).
 */
final class RestoreScenario {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private RestoreScenario() {}

    static void run(String bootstrapServers, Path dir) throws Exception {
        ExampleOptions options = new ExampleOptions(Optional.of(bootstrapServers), Duration.ZERO, dir);
        try (ExampleKafka kafka = ExampleKafka.connect(options)) {
            OrdersTopology.Topics topics = OrdersTopology.Topics.DEFAULT.withSuffix(kafka.runSuffix());
            String applicationId = "restore" + kafka.runSuffix();
            Path stateDir = options.stateDir(applicationId);
            kafka.createTopics(2, topics.customers(), topics.orders(), topics.regionRevenue());

            try (OrderFeed feed = new OrderFeed(bootstrapServers, topics, 20)) {
                feed.sendCustomers();
                feed.sendOrders(2000);
                feed.flush();
                try (KafkaStreams first = start(topics, bootstrapServers, applicationId, stateDir, new RestoreCounter())) {
                    assertStoresEqual(feed, new StoreQueries(first));
                    GroupExit.leaveAndClose(first);
                }
                Path appState = stateDir.resolve(applicationId);
                assertTrue(Files.isDirectory(appState), "the first run's state directory " + appState);
                ExampleOptions.delete(stateDir);
                assertFalse(Files.exists(stateDir));

                Map<String, Long> changelogRecords = new TreeMap<>();
                Map<String, Map<String, Long>> changelogState = new TreeMap<>();
                changelogRecords.put(OrdersTopology.CUSTOMERS_STORE, Changelog.read(bootstrapServers, applicationId,
                        OrdersTopology.CUSTOMERS_STORE, Customer.SERDE.deserializer()).records());
                for (String store : List.of(OrdersTopology.REVENUE_BY_CUSTOMER, OrdersTopology.REVENUE_BY_REGION)) {
                    Changelog<Long> changelog = Changelog.read(bootstrapServers, applicationId, store, new LongDeserializer());
                    changelogRecords.put(store, changelog.records());
                    changelogState.put(store, changelog.latest());
                }

                RestoreCounter restores = new RestoreCounter();
                long restart = System.nanoTime();
                try (KafkaStreams second = start(topics, bootstrapServers, applicationId, stateDir, restores)) {
                    long running = (System.nanoTime() - restart) / 1_000_000;
                    StoreQueries queries = new StoreQueries(second);
                    // Before any new input: the stores hold what the changelogs hold, and nothing else.
                    for (var e : changelogState.entrySet()) {
                        assertEquals(e.getValue(), queries.all(e.getKey()), e.getKey() + " after the restore");
                    }
                    assertStoresEqual(feed, queries);
                    System.out.printf("state directory deleted; restart RUNNING after %d ms, restored %s records "
                            + "(changelogs hold %s committed records) from offsets %s%n",
                            running, restores.restoredByStore(), changelogRecords, restores.startingOffsets());
                    assertEquals(changelogRecords, restores.restoredByStore(),
                            "records restored per store = records in its changelog");
                    assertTrue(restores.startingOffsets().values().stream().allMatch(offset -> offset == 0L),
                            "every restore started at the changelog's beginning: " + restores.startingOffsets());

                    // And it goes on from the restored state.
                    feed.sendOrders(500);
                    feed.flush();
                    assertStoresEqual(feed, queries);
                    GroupExit.leaveAndClose(second);
                }
            }
        }
    }

    private static KafkaStreams start(OrdersTopology.Topics topics, String bootstrapServers, String applicationId,
            Path stateDir, RestoreCounter restores) throws InterruptedException {
        return OrdersInstance.start(topics, bootstrapServers, applicationId, stateDir, restores, new StandbyCounter(),
                new Properties());
    }

    private static void assertStoresEqual(OrderFeed feed, StoreQueries queries) throws InterruptedException {
        assertEventually(feed.expectedByCustomer(), () -> queries.all(OrdersTopology.REVENUE_BY_CUSTOMER), TIMEOUT,
                OrdersTopology.REVENUE_BY_CUSTOMER);
        assertEventually(feed.expectedByRegion(), () -> queries.all(OrdersTopology.REVENUE_BY_REGION), TIMEOUT,
                OrdersTopology.REVENUE_BY_REGION);
    }
}
