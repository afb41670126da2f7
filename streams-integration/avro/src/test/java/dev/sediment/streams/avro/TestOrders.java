package dev.sediment.streams.avro;

import dev.sediment.streams.avro.testdata.Order;
import dev.sediment.streams.avro.testdata.OrderStatus;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Orders in both schema versions, for the tests. */
final class TestOrders {

  /** Classpath name of v1, which has {@code channel} and lacks {@code currency} and {@code status}. */
  static final String V1_RESOURCE = "dev/sediment/streams/avro/order-v1.avsc";

  static final Schema V1 = AvroSchemas.builder().addResource(V1_RESOURCE).build().schemas().get(0);

  /** The compiled v2. */
  static final Schema V2 = Order.SCHEMA$;

  private TestOrders() {}

  static Order v2(String orderId, String customer, long amountCents) {
    return Order.newBuilder()
        .setOrderId(orderId)
        .setCustomer(customer)
        .setAmountCents(amountCents)
        .setCurrency("CHF")
        .setStatus(OrderStatus.PAID)
        .build();
  }

  static GenericRecord v1(String orderId, String customer, long amountCents) {
    GenericRecord order = new GenericData.Record(V1);
    order.put("orderId", orderId);
    order.put("customer", customer);
    order.put("amountCents", amountCents);
    order.put("channel", "web");
    return order;
  }

  /** Bytes as a producer still on v1 writes them. */
  static byte[] v1Payload(String orderId, String customer, long amountCents) {
    return new GenericAvroSerde(V1).serialize("orders", v1(orderId, customer, amountCents));
  }
}
