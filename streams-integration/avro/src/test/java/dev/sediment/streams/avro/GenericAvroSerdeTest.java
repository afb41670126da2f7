package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sediment.streams.avro.testdata.Order;
import dev.sediment.streams.avro.testdata.OrderStatus;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class GenericAvroSerdeTest {

  /** v2 as an application without generated classes gets it: parsed from the .avsc file. */
  private static final Schema V2_FROM_FILE =
      AvroSchemas.builder().addFile(Path.of("src/test/avro/order.avsc")).build().schemas().get(0);

  @Test
  void roundTripsAGenericRecord() {
    GenericAvroSerde serde = new GenericAvroSerde(TestOrders.V1);
    GenericRecord order = TestOrders.v1("o-1", "ada", 1999);

    GenericRecord back = serde.deserialize("orders", serde.serialize("orders", order));

    assertEquals(order, back);
    assertEquals("web", back.get("channel").toString()); // a Utf8: the .avsc asks for no String
  }

  @Test
  void nullsPassThroughAsTombstones() {
    GenericAvroSerde serde = new GenericAvroSerde(TestOrders.V1);

    assertNull(serde.serialize("orders", null));
    assertNull(serde.deserialize("orders", null));
  }

  @Test
  void readsOlderRecordsIntoTheReaderSchemaWithDefaults() {
    GenericAvroSerde serde = new GenericAvroSerde(V2_FROM_FILE, AvroSchemas.of(TestOrders.V1));

    GenericRecord read = serde.deserialize("orders", TestOrders.v1Payload("o-7", "grace", 4200));

    assertEquals(V2_FROM_FILE, read.getSchema());
    assertEquals("grace", read.get("customer").toString());
    assertEquals(4200L, read.get("amountCents"));
    assertEquals("EUR", read.get("currency").toString());
    assertEquals("NEW", ((GenericEnumSymbol<?>) read.get("status")).toString());
    assertFalse(read.hasField("channel"));
  }

  @Test
  void interoperatesWithTheSpecificSerdeBothWays() {
    GenericAvroSerde generic = new GenericAvroSerde(V2_FROM_FILE);
    SpecificAvroSerde<Order> specific = new SpecificAvroSerde<>(Order.class);
    Order order = TestOrders.v2("o-2", "linus", 10);

    GenericRecord asGeneric = generic.deserialize("orders", specific.serialize("orders", order));
    Order asSpecific = specific.deserialize("orders", generic.serialize("orders", asGeneric));

    assertEquals("CHF", asGeneric.get("currency").toString());
    assertEquals(order, asSpecific);
    assertEquals(OrderStatus.PAID, asSpecific.getStatus());
  }

  @Test
  void refusesARecordBuiltWithAnotherSchema() {
    GenericAvroSerde v2 = new GenericAvroSerde(V2_FROM_FILE);

    SerializationException e = assertThrows(SerializationException.class,
        () -> v2.serialize("orders", TestOrders.v1("o-1", "ada", 1)));

    assertTrue(e.getMessage().contains(SingleObjectHeader.hex(AvroSchemas.fingerprint(TestOrders.V1))),
        e.getMessage());
  }

  @Test
  void acceptsARecordWhoseSchemaIsAnotherCopyOfTheSame() {
    GenericAvroSerde fromFile = new GenericAvroSerde(V2_FROM_FILE);
    GenericRecord built = new GenericData.Record(Order.SCHEMA$); // compiled copy: extra properties
    built.put("orderId", "o-3");
    built.put("customer", "ada");
    built.put("amountCents", 5L);
    built.put("currency", "EUR");
    built.put("status", new GenericData.EnumSymbol(Order.SCHEMA$.getField("status").schema(), "SHIPPED"));

    GenericRecord back = fromFile.deserialize("orders", fromFile.serialize("orders", built));

    assertEquals("SHIPPED", back.get("status").toString());
  }

  @Test
  void aThreeFieldRecordTakesNineteenBytes() {
    // The example in package-info: 10 bytes of header, 4 + 4 for two 3-letter strings, 1 for a small long.
    Schema schema = SchemaBuilder.record("Small").fields()
        .requiredString("a").requiredString("b").requiredLong("n").endRecord();
    GenericRecord small = new GenericData.Record(schema);
    small.put("a", "abc");
    small.put("b", "xyz");
    small.put("n", 1L);

    assertEquals(19, new GenericAvroSerde(schema).serialize("t", small).length);
  }

  @Test
  void readerSchemaMustBeARecord() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GenericAvroSerde(Schema.create(Schema.Type.STRING)));

    assertTrue(e.getMessage().contains("STRING"), e.getMessage());
  }
}
