package dev.sediment.examples.orders;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Revenue per customer and per region: a table of customers, a stream of orders (key: customer
 * id, value: amount in cents) joined to it, and two sums. Every store is a Sediment store, named
 * so interactive queries can find it.
 *
 * <pre>
 * customers ─► table [customers] ─┐
 * orders ──┬──────────────────────► join ─► by region ─► sum [revenue-by-region] ─► region-revenue
 *          └─► sum [revenue-by-customer]
 * </pre>
 */
public final class OrdersTopology {
    public static final String CUSTOMERS_STORE = "customers";
    public static final String REVENUE_BY_CUSTOMER = "revenue-by-customer";
    public static final String REVENUE_BY_REGION = "revenue-by-region";

    /** The topics; the same partition count for customers and orders, as the join requires. */
    public record Topics(String customers, String orders, String regionRevenue) {
        public static final Topics DEFAULT = new Topics("customers", "orders", "region-revenue");

        public Topics withSuffix(String suffix) {
            return new Topics(customers + suffix, orders + suffix, regionRevenue + suffix);
        }
    }

    private OrdersTopology() {}

    public static Topology build(Topics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, Customer> customers = builder.table(topics.customers(),
                Consumed.with(Serdes.String(), Customer.SERDE),
                Materialized.<String, Customer>as(SedimentStores.timestampedKeyValueStore(CUSTOMERS_STORE))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Customer.SERDE));
        KStream<String, Long> orders = builder.stream(topics.orders(), Consumed.with(Serdes.String(), Serdes.Long()));

        orders.groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
                .reduce(Long::sum, Materialized.<String, Long>as(SedimentStores.timestampedKeyValueStore(REVENUE_BY_CUSTOMER))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()));

        orders.join(customers, (cents, customer) -> KeyValue.pair(customer.region(), cents),
                        Joined.with(Serdes.String(), Serdes.Long(), Customer.SERDE))
                .map((customerId, regionAndCents) -> regionAndCents)
                .groupByKey(Grouped.with("orders-by-region", Serdes.String(), Serdes.Long()))
                .reduce(Long::sum, Materialized.<String, Long>as(SedimentStores.timestampedKeyValueStore(REVENUE_BY_REGION))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()))
                .toStream()
                .to(topics.regionRevenue(), Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }
}
