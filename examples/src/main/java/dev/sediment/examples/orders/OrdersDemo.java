package dev.sediment.examples.orders;

import dev.sediment.examples.query.StoreQueries;
import dev.sediment.examples.query.StoreUnavailableException;
import dev.sediment.examples.run.BoundedRun;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import dev.sediment.examples.run.QuietLogging;
import dev.sediment.streams.eos.SedimentClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The main demo: orders joined to customers, revenue per customer and per region in Sediment
 * stores, exactly once, read back through interactive queries (IQv2).
 *
 * <pre>
 * mvn -q install -DskipTests &amp;&amp; mvn -q -pl examples exec:java
 * </pre>
 *
 * Starts an embedded broker unless {@code -Dbootstrap.servers} is given, sends 40 customers, then
 * about {@value #ORDERS_PER_SECOND} orders a second for {@code example.seconds} (30), printing the
 * revenue per region every 5 s, and at the end the answers of a KeyQuery and two RangeQuerys,
 * checked against the orders it sent.
 */
public final class OrdersDemo {
    public static final String APPLICATION_ID = "orders-demo";
    static final int ORDERS_PER_SECOND = 100;
    static final int CUSTOMERS = 40;
    private static final Duration SUMMARY_EVERY = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private OrdersDemo() {}

    public static void main(String[] args) throws Exception {
        QuietLogging.apply();
        run(ExampleOptions.fromSystem());
    }

    /**
     * Runs the demo once.
     *
     * @throws IllegalStateException if the stores do not end up with the revenue of the orders sent
     */
    public static void run(ExampleOptions options) throws Exception {
        try (ExampleKafka kafka = ExampleKafka.connect(options)) {
            OrdersTopology.Topics topics = OrdersTopology.Topics.DEFAULT.withSuffix(kafka.runSuffix());
            String applicationId = APPLICATION_ID + kafka.runSuffix();
            kafka.createTopics(2, topics.customers(), topics.orders(), topics.regionRevenue());

            try (OrderFeed feed = new OrderFeed(kafka.bootstrapServers(), topics, CUSTOMERS)) {
                feed.sendCustomers();
                System.out.printf("Sent %d customers to '%s'; orders go to '%s'%n",
                        CUSTOMERS, topics.customers(), topics.orders());

                Properties props = properties(kafka.bootstrapServers(), applicationId, options.freshStateDir(applicationId));
                // The client supplier gives the Sediment stores a commit point per Kafka transaction.
                try (KafkaStreams streams = new KafkaStreams(OrdersTopology.build(topics), props,
                        new SedimentClientSupplier())) {
                    BoundedRun run = BoundedRun.start(streams).awaitRunning();
                    StoreQueries queries = new StoreQueries(streams);
                    run.runFor(options.runTime(), SUMMARY_EVERY, () -> feed.sendOrders(ORDERS_PER_SECOND / 10),
                            () -> printSummary(run, feed, queries));
                    feed.flush();
                    System.out.printf("[%5.1f s] stopped sending after %d orders; waiting for the stores to catch up%n",
                            run.elapsedSeconds(), feed.ordersSent());
                    boolean exact = run.awaitAgreement(CATCH_UP_TIMEOUT, () -> difference(feed, queries)).isEmpty();
                    printAnswers(feed, queries, exact);
                    System.out.println("Closing Kafka Streams...");
                    if (!exact) {
                        throw new IllegalStateException("the stores do not hold the revenue of the orders sent; "
                                + "see the answers above");
                    }
                }
            }
        }
        System.out.println("Done.");
    }

    /** Exactly once through Sediment's client supplier; state under the work directory, not /tmp. */
    public static Properties properties(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Kafka 5.0's default; Kafka Streams 4.3 warns while it is off.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

    private static void printSummary(BoundedRun run, OrderFeed feed, StoreQueries queries) {
        String regions;
        try {
            regions = format(queries.all(OrdersTopology.REVENUE_BY_REGION));
        } catch (StoreUnavailableException e) {
            regions = "(not queryable right now: " + e.getMessage() + ")";
        }
        System.out.printf("[%5.1f s] %5d orders sent | revenue by region (IQv2): %s%n",
                run.elapsedSeconds(), feed.ordersSent(), regions);
    }

    /** How the revenue stores differ from what the orders sent add up to; "" if they agree. */
    private static String difference(OrderFeed feed, StoreQueries queries) {
        return difference(OrdersTopology.REVENUE_BY_REGION, queries.all(OrdersTopology.REVENUE_BY_REGION),
                feed.expectedByRegion())
                + difference(OrdersTopology.REVENUE_BY_CUSTOMER, queries.all(OrdersTopology.REVENUE_BY_CUSTOMER),
                feed.expectedByCustomer());
    }

    private static String difference(String store, Map<String, Long> actual, Map<String, Long> expected) {
        if (actual.equals(expected)) {
            return "";
        }
        Map<String, String> diff = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                diff.put(k, actual.get(k) + " instead of " + v);
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diff.put(k, "unexpected"));
        return store + " " + diff + "; ";
    }

    private static void printAnswers(OrderFeed feed, StoreQueries queries, boolean exact) {
        String customer = feed.customers().firstKey();
        String from = "c-10";
        String to = "c-14";
        SortedMap<String, Long> expectedByCustomer = feed.expectedByCustomer();
        System.out.println();
        System.out.printf("Interactive queries (IQv2) after %d orders:%n", feed.ordersSent());
        System.out.printf("  KeyQuery   %s[%s] (%s) = %s   expected %s%n", OrdersTopology.REVENUE_BY_CUSTOMER,
                customer, feed.customers().get(customer).name(),
                queries.<Long>get(OrdersTopology.REVENUE_BY_CUSTOMER, customer).map(OrdersDemo::money).orElse("none"),
                money(expectedByCustomer.getOrDefault(customer, 0L)));
        System.out.printf("  RangeQuery %s[%s..%s] = %s%n", OrdersTopology.REVENUE_BY_CUSTOMER, from, to,
                format(queries.range(OrdersTopology.REVENUE_BY_CUSTOMER, from, to)));
        System.out.printf("  RangeQuery %s (all)   = %s%n", OrdersTopology.REVENUE_BY_REGION,
                format(queries.all(OrdersTopology.REVENUE_BY_REGION)));
        System.out.printf("  expected by region            = %s%n", format(feed.expectedByRegion()));
        System.out.printf("  every customer and region equals the orders sent: %s%n", exact ? "yes" : "NO");
        System.out.println();
    }

    private static String format(Map<String, Long> cents) {
        return cents.entrySet().stream()
                .map(e -> e.getKey() + " " + money(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    static String money(long cents) {
        return String.format(Locale.ROOT, "%,.2f", cents / 100.0);
    }
}
