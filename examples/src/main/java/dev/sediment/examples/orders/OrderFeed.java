package dev.sediment.examples.orders;

import dev.sediment.examples.run.SendFailures;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's input: a fixed set of customers, then random orders (seeded, so every run is alike),
 * and the revenue those orders should add up to, kept as they are sent.
 *
 * <p>Thread safety: one thread sends, any thread may read the expected totals.
 */
public final class OrderFeed implements AutoCloseable {
    static final List<String> REGIONS = List.of("APAC", "EU", "LATAM", "NA");
    private static final List<String> NAMES = List.of("Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger",
            "Frances", "Grace", "John", "Leslie", "Margaret", "Niklaus", "Radia", "Tony", "Whitfield");

    private static final LongSerializer CENTS = new LongSerializer();

    private final OrdersTopology.Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final SortedMap<String, Customer> customers = new TreeMap<>();
    private final Random random = new Random(42);
    private final SortedMap<String, Long> byCustomer = new TreeMap<>();
    private final SortedMap<String, Long> byRegion = new TreeMap<>();
    private final AtomicLong orders = new AtomicLong();
    private final SendFailures sendFailures = new SendFailures();

    public OrderFeed(String bootstrapServers, OrdersTopology.Topics topics, int customerCount) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
        for (int i = 0; i < customerCount; i++) {
            String id = String.format("c-%02d", i);
            customers.put(id, new Customer(NAMES.get(i % NAMES.size()) + " " + i, REGIONS.get(i % REGIONS.size())));
        }
    }

    /** The customers, by id. */
    public SortedMap<String, Customer> customers() {
        return customers;
    }

    /**
     * Sends every customer and waits until the broker has them: the demo sends them before it
     * starts Kafka Streams, so no order meets an empty customer table.
     */
    public void sendCustomers() {
        customers.forEach((id, customer) -> producer.send(new ProducerRecord<>(topics.customers(), id,
                Customer.SERDE.serializer().serialize(topics.customers(), customer)), sendFailures.callback()));
        sendFailures.flushAndCheck(producer);
    }

    /** Sends {@code count} random orders of 5.00 to 200.00 each, without waiting for the broker. */
    public void sendOrders(int count) {
        List<String> ids = List.copyOf(customers.keySet());
        for (int i = 0; i < count; i++) {
            String customer = ids.get(random.nextInt(ids.size()));
            long cents = 500 + random.nextInt(19_501);
            synchronized (this) {
                byCustomer.merge(customer, cents, Long::sum);
                byRegion.merge(customers.get(customer).region(), cents, Long::sum);
            }
            orders.incrementAndGet();
            producer.send(new ProducerRecord<>(topics.orders(), customer, CENTS.serialize(topics.orders(), cents)),
                    sendFailures.callback());
        }
    }

    /** Waits until the broker has every order sent, then reports a failed send if there was one. */
    public void flush() {
        sendFailures.flushAndCheck(producer);
    }

    public long ordersSent() {
        return orders.get();
    }

    /** Revenue in cents per customer of the orders sent so far. */
    public synchronized SortedMap<String, Long> expectedByCustomer() {
        return new TreeMap<>(byCustomer);
    }

    /** Revenue in cents per region of the orders sent so far. */
    public synchronized SortedMap<String, Long> expectedByRegion() {
        return new TreeMap<>(byRegion);
    }

    @Override
    public void close() {
        producer.close();
    }
}
