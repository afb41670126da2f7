package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sediment.streams.avro.testdata.CustomerTotal;
import dev.sediment.streams.avro.testdata.Order;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serdes inside Kafka Streams: on a source topic that holds two schema versions, in a state
 * store and its changelog, and on an output topic. The stores are Kafka's in-memory ones, so this
 * tests the serdes and nothing else.
 */
class AvroSerdeTopologyTest {

  @TempDir Path stateDir;

  private final SpecificAvroSerde<Order> orders = new SpecificAvroSerde<>(Order.class, AvroSchemas.of(TestOrders.V1));
  private final SpecificAvroSerde<CustomerTotal> totals = new SpecificAvroSerde<>(CustomerTotal.class);

  @Test
  void aggregatesOrdersOfBothSchemaVersionsIntoAnAvroStateStore() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("orders", Consumed.with(Serdes.String(), orders))
        .groupBy((orderId, order) -> order.getCustomer(), Grouped.with(Serdes.String(), orders))
        .aggregate(
            () -> new CustomerTotal("", 0L, 0L),
            (customer, order, total) -> new CustomerTotal(customer, total.getOrderCount() + 1,
                total.getTotalCents() + order.getAmountCents()),
            Materialized.<String, CustomerTotal>as(Stores.inMemoryKeyValueStore("totals"))
                .withKeySerde(Serdes.String())
                .withValueSerde(totals))
        .toStream()
        .to("totals", Produced.with(Serdes.String(), totals));

    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
      TestInputTopic<String, Order> v2In = driver.createInputTopic("orders", new StringSerializer(), orders);
      // A producer still on v1: its bytes, not our serializer's, arrive on the same topic.
      TestInputTopic<String, byte[]> v1In = driver.createInputTopic("orders", new StringSerializer(),
          new ByteArraySerializer());
      TestOutputTopic<String, CustomerTotal> out = driver.createOutputTopic("totals", new StringDeserializer(), totals);

      v1In.pipeInput("o-1", TestOrders.v1Payload("o-1", "ada", 1000));
      v2In.pipeInput("o-2", TestOrders.v2("o-2", "ada", 250));
      v2In.pipeInput("o-3", TestOrders.v2("o-3", "grace", 99));

      assertEquals(List.of(
              KeyValue.pair("ada", new CustomerTotal("ada", 1L, 1000L)),
              KeyValue.pair("ada", new CustomerTotal("ada", 2L, 1250L)),
              KeyValue.pair("grace", new CustomerTotal("grace", 1L, 99L))),
          out.readKeyValuesToList());
      KeyValueStore<String, ValueAndTimestamp<CustomerTotal>> store = driver.getTimestampedKeyValueStore("totals");
      assertEquals(new CustomerTotal("ada", 2L, 1250L), store.get("ada").value());
    }
  }

  @Test
  void tombstonesPassThroughATableAndDeleteFromItsStore() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.table("orders", Consumed.with(Serdes.String(), orders),
            Materialized.<String, Order>as(Stores.inMemoryKeyValueStore("orders-by-id"))
                .withKeySerde(Serdes.String())
                .withValueSerde(orders))
        .toStream()
        .to("orders-out", Produced.with(Serdes.String(), orders));
    Topology topology = builder.build();

    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props())) {
      TestInputTopic<String, Order> in = driver.createInputTopic("orders", new StringSerializer(), orders);
      TestOutputTopic<String, Order> out = driver.createOutputTopic("orders-out", new StringDeserializer(), orders);
      KeyValueStore<String, ValueAndTimestamp<Order>> store = driver.getTimestampedKeyValueStore("orders-by-id");
      Order order = TestOrders.v2("o-1", "ada", 1999);

      in.pipeInput("o-1", order);
      assertEquals(order, store.get("o-1").value());
      in.pipeInput("o-1", (Order) null);

      assertNull(store.get("o-1"));
      assertEquals(List.of(KeyValue.pair("o-1", order), KeyValue.pair("o-1", (Order) null)),
          out.readKeyValuesToList());
    }
  }

  private Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "avro-serde-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // No cache: every update reaches the store's serde and the output at once.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put("processing.exception.handler.global.enabled", true); // else Streams 4.3 warns
    return props;
  }
}
