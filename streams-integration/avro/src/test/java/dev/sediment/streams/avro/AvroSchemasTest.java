package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sediment.streams.avro.testdata.CustomerTotal;
import dev.sediment.streams.avro.testdata.Order;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroSchemasTest {

  /** The .avsc sources of the generated test records; Surefire runs in the module directory. */
  private static final Path AVSC_DIR = Path.of("src/test/avro");

  /** Order v1, kept as a plain resource (the compiled Order is v2). */
  private static final String V1_RESOURCE = "dev/sediment/streams/avro/order-v1.avsc";

  private static final Schema V1 = AvroSchemas.builder().addResource(V1_RESOURCE).build().schemas().get(0);

  @TempDir Path tmp;

  @Test
  void findsSchemasByTheirParsingFingerprint() {
    AvroSchemas schemas = AvroSchemas.of(V1, CustomerTotal.SCHEMA$);

    long v1 = SchemaNormalization.parsingFingerprint64(V1);
    assertSame(V1, schemas.findByFingerprint(v1));
    assertTrue(schemas.contains(v1));
    assertNull(schemas.findByFingerprint(AvroSchemas.fingerprint(Order.SCHEMA$)));
    assertFalse(schemas.contains(AvroSchemas.fingerprint(Order.SCHEMA$)));
    assertEquals(List.of(V1, CustomerTotal.SCHEMA$), schemas.schemas());
    assertEquals(2, schemas.size());
  }

  @Test
  void aSchemaDifferingOnlyInDefaultsAndDocsIsTheSameWriterSchema() {
    Schema bare = SchemaBuilder.record("T").fields().requiredString("a").endRecord();
    Schema documented = SchemaBuilder.record("T").doc("docs do not count").fields()
        .name("a").type().stringType().stringDefault("x").endRecord();
    assertEquals(AvroSchemas.fingerprint(bare), AvroSchemas.fingerprint(documented));

    AvroSchemas schemas = AvroSchemas.of(bare, documented);

    assertEquals(1, schemas.size());
    assertSame(bare, schemas.schemas().get(0)); // the first one added wins
  }

  @Test
  void plusKeepsBothSidesInOrder() {
    AvroSchemas left = AvroSchemas.of(V1);
    AvroSchemas right = AvroSchemas.of(Order.SCHEMA$, V1);

    AvroSchemas both = left.plus(right);

    assertEquals(List.of(V1, Order.SCHEMA$), both.schemas());
    assertSame(left, left.plus(AvroSchemas.empty()));
    assertEquals(1, left.size()); // immutable
  }

  @Test
  void loadsClasspathResourcesWithOrWithoutALeadingSlash() {
    AvroSchemas plain = AvroSchemas.builder().addResource(V1_RESOURCE).build();
    AvroSchemas slashed = AvroSchemas.builder().addResource("/" + V1_RESOURCE).build();

    assertEquals(V1, plain.schemas().get(0));
    assertEquals(V1, slashed.schemas().get(0));
    assertEquals(List.of("orderId", "customer", "amountCents", "channel"),
        plain.schemas().get(0).getFields().stream().map(Schema.Field::name).toList());
  }

  @Test
  void loadsFilesAndDirectories() {
    AvroSchemas one = AvroSchemas.builder().addFile(AVSC_DIR.resolve("order.avsc")).build();
    AvroSchemas all = AvroSchemas.builder().addFile(AVSC_DIR).build();

    // The compiled SCHEMA$ carries the compiler's "avro.java.string" properties, the file does not:
    // not equal, but the same writer schema.
    assertEquals(AvroSchemas.fingerprint(Order.SCHEMA$), AvroSchemas.fingerprint(one.schemas().get(0)));
    // Sorted by file name: customer-total, order, parcel, shipment.
    assertEquals(List.of("CustomerTotal", "Order", "Parcel", "Shipment"),
        all.schemas().stream().map(Schema::getName).toList());
  }

  @Test
  void locationsNameResourcesFilesAndDirectories() {
    AvroSchemas schemas = AvroSchemas.builder()
        .addLocation("classpath:" + V1_RESOURCE)
        .addLocation(AVSC_DIR.resolve("order.avsc").toString())
        .addLocation(" " + AVSC_DIR + " ")
        .build();

    assertEquals(5, schemas.size()); // v1, then v2 once, then the other three
    assertEquals(V1, schemas.schemas().get(0));
    assertTrue(schemas.contains(AvroSchemas.fingerprint(Order.SCHEMA$)));
  }

  @Test
  void aMissingResourceOrFileIsNamedInTheError() {
    IllegalArgumentException resource = assertThrows(IllegalArgumentException.class,
        () -> AvroSchemas.builder().addResource("nope/order-v0.avsc"));
    IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
        () -> AvroSchemas.builder().addFile(tmp.resolve("order-v0.avsc")));

    assertTrue(resource.getMessage().contains("nope/order-v0.avsc"), resource.getMessage());
    assertTrue(file.getMessage().contains("order-v0.avsc"), file.getMessage());
  }

  @Test
  void anInvalidSchemaFileIsNamedInTheError() throws Exception {
    Path notJson = Files.writeString(tmp.resolve("broken.avsc"), "{\"type\": \"record\", \"name\": ");
    Path badDefault = Files.writeString(tmp.resolve("bad-default.avsc"), """
        {"type": "record", "name": "T", "fields": [{"name": "n", "type": "long", "default": "ten"}]}
        """);

    IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
        () -> AvroSchemas.builder().addFile(notJson));
    IllegalArgumentException defaulted = assertThrows(IllegalArgumentException.class,
        () -> AvroSchemas.builder().addFile(badDefault));

    assertTrue(broken.getMessage().contains("broken.avsc"), broken.getMessage());
    assertTrue(defaulted.getMessage().contains("bad-default.avsc"), defaulted.getMessage());
  }

  @Test
  void toStringShowsNamesAndHexFingerprints() {
    String shown = AvroSchemas.of(V1).toString();

    assertEquals("[dev.sediment.streams.avro.testdata.Order@"
        + SingleObjectHeader.hex(AvroSchemas.fingerprint(V1)) + "]", shown);
    assertEquals("[]", AvroSchemas.empty().toString());
  }
}
