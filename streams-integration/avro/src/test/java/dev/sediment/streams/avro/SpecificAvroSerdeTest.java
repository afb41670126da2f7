package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sediment.streams.avro.testdata.Order;
import dev.sediment.streams.avro.testdata.OrderStatus;
import dev.sediment.streams.avro.testdata.Parcel;
import dev.sediment.streams.avro.testdata.Shipment;
import dev.sediment.streams.avro.testdata.geo.Address;
import dev.sediment.streams.avro.testdata.geo.Carrier;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {

  private final SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(Order.class);

  @Test
  void roundTripsAGeneratedRecord() {
    Order order = TestOrders.v2("o-1", "ada", 1999);

    Order back = serde.deserialize("orders", serde.serialize("orders", order));

    assertEquals(order, back);
    assertEquals(OrderStatus.PAID, back.getStatus());
  }

  @Test
  void payloadIsMarkerThenLittleEndianFingerprintThenBody() throws Exception {
    Order order = TestOrders.v2("o-1", "ada", 1999);

    byte[] payload = serde.serialize("orders", order);

    assertEquals((byte) 0xC3, payload[0]);
    assertEquals((byte) 0x01, payload[1]);
    long fingerprint = ByteBuffer.wrap(payload, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(SchemaNormalization.parsingFingerprint64(Order.SCHEMA$), fingerprint);
    assertEquals(AvroSchemas.fingerprint(Order.SCHEMA$), fingerprint);
    // Byte for byte what Avro's own generated encoder writes: any Avro reader can read it.
    assertArrayEquals(bytes(Order.getEncoder().encode(order)), payload);
  }

  @Test
  void nullsPassThroughAsTombstones() {
    assertNull(serde.serialize("orders", null));
    assertNull(serde.deserialize("orders", null));
  }

  @Test
  void readsRecordsWrittenWithAnOlderSchemaAndFillsDefaults() {
    SpecificAvroSerde<Order> evolving = new SpecificAvroSerde<>(Order.class, AvroSchemas.of(TestOrders.V1));

    Order read = evolving.deserialize("orders", TestOrders.v1Payload("o-7", "grace", 4200));

    assertEquals("o-7", read.getOrderId());
    assertEquals("grace", read.getCustomer());
    assertEquals(4200, read.getAmountCents());
    assertEquals("EUR", read.getCurrency()); // v2's default
    assertEquals(OrderStatus.NEW, read.getStatus()); // v2's default, an enum: a class to instantiate
    // and v1's "channel" is gone, not an error
  }

  @Test
  void unknownWriterSchemaNamesTheFingerprintAndTheFix() {
    byte[] v1Payload = TestOrders.v1Payload("o-7", "grace", 4200);
    long v1Fingerprint = SchemaNormalization.parsingFingerprint64(TestOrders.V1);

    UnknownWriterSchemaException e = assertThrows(UnknownWriterSchemaException.class,
        () -> serde.deserialize("orders", v1Payload));

    assertEquals(v1Fingerprint, e.fingerprint());
    String hex = HexFormat.of().toHexDigits(v1Fingerprint);
    assertTrue(e.getMessage().contains("0x" + hex), e.getMessage());
    assertTrue(e.getMessage().contains("orders"), e.getMessage());
    assertTrue(e.getMessage().contains(AvroSerdeConfig.WRITER_SCHEMAS_CONFIG), e.getMessage());
    assertTrue(e.getMessage().contains("AvroSchemas"), e.getMessage());
    assertInstanceOf(SerializationException.class, e);
  }

  /**
   * Avro 1.12.2 refuses to instantiate untrusted classes; the serde must trust its record's types
   * without the user setting {@code org.apache.avro.SERIALIZABLE_PACKAGES}.
   *
   * <p>{@code Shipment} is used by no other test, so its classes are untrusted when this starts.
   * Its enum and nested record live in another package: trusting the record's package would not
   * be enough. The first half proves the guard is armed in this JVM; without the serde's trust
   * setup the second half fails with "Forbidden".
   */
  @Test
  void decodesSpecificRecordsWithoutSerializablePackagesProperty() throws Exception {
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"));
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_CLASSES"));
    Shipment shipment = new Shipment("s-1", Carrier.POST, new Address("Bern", "CH"));
    byte[] payload = bytes(Shipment.getEncoder().encode(shipment));

    // Plain Avro, with a fresh model so no class lookup is cached: the guard refuses Shipment.
    BinaryMessageDecoder<Shipment> plainAvro = new BinaryMessageDecoder<>(new SpecificData(), Shipment.SCHEMA$);
    Exception refused = assertThrows(Exception.class, () -> plainAvro.decode(payload));
    assertInstanceOf(SecurityException.class, rootCause(refused), refused::toString);

    SpecificAvroSerde<Shipment> shipments = new SpecificAvroSerde<>(Shipment.class);

    assertEquals(shipment, shipments.deserialize("shipments", payload));
    assertEquals(shipment, shipments.deserialize("shipments", shipments.serialize("shipments", shipment)));
  }

  /**
   * A class that a schema names other than as a type (here {@code java.net.URI} through
   * {@code java-class}) is not trusted by default; the trusted-packages setting trusts it.
   * {@code Parcel} is used by no other test, and nothing else trusts {@code java.net}.
   */
  @Test
  void trustedPackagesSettingTrustsOtherClasses() {
    Parcel parcel = new Parcel("p-1", URI.create("https://track.example/p-1"));
    SpecificAvroSerde<Parcel> parcels = new SpecificAvroSerde<>(Parcel.class);
    byte[] payload = parcels.serialize("parcels", parcel);

    SerializationException e = assertThrows(SerializationException.class,
        () -> parcels.deserialize("parcels", payload));
    assertTrue(e.getMessage().contains("java.net.URI"), e.getMessage());
    assertTrue(e.getMessage().contains(AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG), e.getMessage());

    parcels.configure(Map.of(AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG, "java.net"), false);

    assertEquals(parcel, parcels.deserialize("parcels", payload));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
