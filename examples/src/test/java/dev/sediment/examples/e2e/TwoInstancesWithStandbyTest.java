package dev.sediment.examples.e2e;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.orders.Customer;
import dev.sediment.examples.orders.OrderFeed;
import dev.sediment.examples.orders.OrdersTopology;
import dev.sediment.examples.query.StoreQueries;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.sediment.examples.testing.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances of the main demo's application in one JVM, each with its own state directory and
 * a standby replica of the other's tasks: a rebalance when the second joins and when the first
 * leaves, exact revenue through both, standbys fed from the changelogs, and a takeover that
 * restores far less than the changelogs hold because the standby was warm.
 */
@Timeout(300)
class TwoInstancesWithStandbyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int TASKS = 4; // two sub-topologies on two partitions each

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void rebalancesOnJoinAndLeaveKeepTheResultsExactAndTheStandbyWarm() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                ExampleKafka kafka = ExampleKafka.connect(
                        new ExampleOptions(Optional.of(broker.bootstrapServers()), Duration.ZERO, dir))) {
            String bootstrap = broker.bootstrapServers();
            OrdersTopology.Topics topics = OrdersTopology.Topics.DEFAULT.withSuffix(kafka.runSuffix());
            String applicationId = "two-instances" + kafka.runSuffix();
            kafka.createTopics(2, topics.customers(), topics.orders(), topics.regionRevenue());
            Properties standby = new Properties();
            standby.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);

            RestoreCounter restoresB = new RestoreCounter();
            StandbyCounter standbysA = new StandbyCounter();
            StandbyCounter standbysB = new StandbyCounter();
            try (OrderFeed feed = new OrderFeed(bootstrap, topics, 20);
                    KafkaStreams a = OrdersInstance.start(topics, bootstrap, applicationId, dir.resolve("state-a"),
                            new RestoreCounter(), standbysA, standby)) {
                feed.sendCustomers();
                feed.sendOrders(1000);
                feed.flush();
                assertExact(feed, List.of(a));
                assertEventually(TASKS, () -> activeTasks(a), TIMEOUT, "active tasks on A alone");

                try (KafkaStreams b = OrdersInstance.start(topics, bootstrap, applicationId, dir.resolve("state-b"),
                        restoresB, standbysB, standby)) {
                    // The join: both instances end up with active tasks, and each with standbys of the other's.
                    assertEventually(true, () -> activeTasks(a) > 0 && activeTasks(b) > 0
                            && activeTasks(a) + activeTasks(b) == TASKS
                            && standbyTasks(a) > 0 && standbyTasks(b) > 0, TIMEOUT, "tasks spread over A and B");
                    System.out.printf("after B joined: A has %d active and %d standby tasks, B %d and %d%n",
                            activeTasks(a), standbyTasks(a), activeTasks(b), standbyTasks(b));
                    feed.sendOrders(1000);
                    feed.flush();
                    assertExact(feed, List.of(a, b));
                    assertEventually(true, () -> standbysA.loaded() > 0 && standbysB.loaded() > 0, TIMEOUT,
                            "records loaded by the standbys of A and of B");
                    long restoredBeforeTakeover = restoresB.total();

                    // The leave: B takes every task over, the standby ones without a full restore.
                    GroupExit.leaveAndClose(a);
                    assertEventually(TASKS, () -> activeTasks(b), TIMEOUT, "active tasks on B alone");
                    feed.sendOrders(1000);
                    feed.flush();
                    assertExact(feed, List.of(b));
                    long restoredOnTakeover = restoresB.total() - restoredBeforeTakeover;

                    long changelogRecords = Changelog.read(bootstrap, applicationId, OrdersTopology.CUSTOMERS_STORE,
                                    Customer.SERDE.deserializer()).records()
                            + Changelog.read(bootstrap, applicationId, OrdersTopology.REVENUE_BY_CUSTOMER,
                                    new LongDeserializer()).records()
                            + Changelog.read(bootstrap, applicationId, OrdersTopology.REVENUE_BY_REGION,
                                    new LongDeserializer()).records();
                    System.out.printf("standbys loaded %d records on A and %d on B; B restored %d records when it "
                                    + "joined and %d when it took A's tasks over; the changelogs hold %d%n",
                            standbysA.loaded(), standbysB.loaded(), restoredBeforeTakeover, restoredOnTakeover,
                            changelogRecords);
                    assertTrue(restoredOnTakeover < changelogRecords / 2,
                            "a warm standby restores far less than the changelogs hold: " + restoredOnTakeover
                                    + " of " + changelogRecords);
                    GroupExit.leaveAndClose(b);
                }
            }
        }
    }

    /** The revenue the orders add up to, read through the interactive queries of every instance given. */
    private static void assertExact(OrderFeed feed, List<KafkaStreams> instances) throws InterruptedException {
        assertEventually(feed.expectedByCustomer(), () -> union(instances, OrdersTopology.REVENUE_BY_CUSTOMER),
                TIMEOUT, OrdersTopology.REVENUE_BY_CUSTOMER);
        assertEventually(feed.expectedByRegion(), () -> union(instances, OrdersTopology.REVENUE_BY_REGION),
                TIMEOUT, OrdersTopology.REVENUE_BY_REGION);
    }

    private static SortedMap<String, Long> union(List<KafkaStreams> instances, String store) {
        SortedMap<String, Long> all = new TreeMap<>();
        for (KafkaStreams instance : instances) {
            new StoreQueries(instance).<Long>all(store).forEach((key, value) -> {
                if (all.put(key, value) != null) {
                    throw new IllegalStateException(key + " answered by two instances");
                }
            });
        }
        return all;
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static int standbyTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt((ThreadMetadata t) -> t.standbyTasks().size()).sum();
    }
}
