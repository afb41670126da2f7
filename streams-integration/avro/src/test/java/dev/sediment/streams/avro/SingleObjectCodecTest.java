package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sediment.streams.avro.testdata.Order;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** What a deserializer says about bytes that are not a payload it can read, and a serializer about bad records. */
class SingleObjectCodecTest {

  private final SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(Order.class);
  private final byte[] valid = serde.serialize("orders", TestOrders.v2("o-1", "ada", 1999));

  @Test
  void aForeignMarkerIsNamedWithTheBytesSeen() {
    // Confluent's wire format: magic 0, a 4-byte registry id, then the body.
    byte[] confluent = {0x00, 0x00, 0x00, 0x00, 0x2a, 0x06, 0x6f, 0x2d, 0x31};

    SerializationException e = assertThrows(SerializationException.class,
        () -> serde.deserialize("orders", confluent));

    assertTrue(e.getMessage().contains("C3 01"), e.getMessage());
    assertTrue(e.getMessage().contains("[00 00 00 00 2a 06 6f 2d 31] (9 bytes)"), e.getMessage());
    assertTrue(e.getMessage().contains("orders"), e.getMessage());
  }

  @Test
  void aWrongSecondMarkerByteIsCaughtToo() {
    byte[] payload = valid.clone();
    payload[1] = 0x02;

    SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("orders", payload));

    assertTrue(e.getMessage().startsWith("Not Avro single-object encoding"), e.getMessage());
    assertTrue(e.getMessage().contains("[c3 02 "), e.getMessage());
  }

  @Test
  void emptyBytesAreNotANullRecord() {
    SerializationException e = assertThrows(SerializationException.class,
        () -> serde.deserialize("orders", new byte[0]));

    assertTrue(e.getMessage().contains("0 bytes"), e.getMessage());
  }

  @Test
  void aShortHeaderIsNamedWithItsBytes() {
    byte[] header = Arrays.copyOf(valid, 6);

    SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("orders", header));

    assertTrue(e.getMessage().startsWith("Truncated Avro single-object header"), e.getMessage());
    assertTrue(e.getMessage().contains("(6 bytes)"), e.getMessage());
  }

  @Test
  void everyProperPrefixOfAPayloadIsRejected() {
    for (int length = 0; length < valid.length; length++) {
      byte[] prefix = Arrays.copyOf(valid, length);
      try {
        Order read = serde.deserialize("orders", prefix);
        fail("a " + length + "-byte prefix of a " + valid.length + "-byte payload decoded to " + read);
      } catch (SerializationException expected) {
        if (length > SingleObjectHeader.LENGTH) {
          assertTrue(expected.getMessage().startsWith("Truncated Avro payload"), expected.getMessage());
        }
      }
    }
  }

  @Test
  void leftoverBytesAfterTheRecordAreCorruption() {
    byte[] padded = Arrays.copyOf(valid, valid.length + 2);

    SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("orders", padded));

    assertTrue(e.getMessage().contains("2 bytes left over"), e.getMessage());
  }

  @Test
  void aCorruptBodyIsASerializationException() {
    byte[] payload = valid.clone();
    payload[payload.length - 1] = 0x7e; // the enum index, now 63 of 3 symbols

    SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("orders", payload));

    assertTrue(e.getMessage().startsWith("Corrupt Avro payload"), e.getMessage());
    assertTrue(e.getMessage().contains(SingleObjectHeader.hex(AvroSchemas.fingerprint(Order.SCHEMA$))), e.getMessage());
  }

  @Test
  void aNullInARequiredFieldNamesTheField() {
    Order incomplete = TestOrders.v2("o-1", "ada", 1);
    incomplete.setCustomer(null); // setters do not validate; the builder would

    SerializationException e = assertThrows(SerializationException.class, () -> serde.serialize("orders", incomplete));

    assertTrue(e.getMessage().contains("customer"), e.getMessage());
    assertTrue(e.getMessage().contains("orders"), e.getMessage());
  }

  @Test
  void theSerdeKeepsWorkingAfterFailures() {
    assertThrows(SerializationException.class, () -> serde.deserialize("orders", new byte[] {1, 2, 3}));
    assertThrows(SerializationException.class, () -> serde.deserialize("orders", Arrays.copyOf(valid, 12)));

    assertEquals(TestOrders.v2("o-1", "ada", 1999), serde.deserialize("orders", valid));
  }

  @Test
  void anIncompatibleWriterSchemaIsExplained() {
    // v1 lacks "currency"; a reader that requires it without a default cannot read v1.
    org.apache.avro.Schema strict = org.apache.avro.SchemaBuilder.record("Order")
        .namespace("dev.sediment.streams.avro.testdata").fields()
        .requiredString("orderId").requiredString("customer").requiredLong("amountCents")
        .requiredString("currency").endRecord();
    GenericAvroSerde reader = new GenericAvroSerde(strict, AvroSchemas.of(TestOrders.V1));

    SerializationException e = assertThrows(SerializationException.class,
        () -> reader.deserialize("orders", TestOrders.v1Payload("o-1", "ada", 1)));

    assertTrue(e.getMessage().startsWith("Cannot resolve the writer schema"), e.getMessage());
    assertTrue(e.getMessage().contains("currency"), e.getMessage());
  }
}
