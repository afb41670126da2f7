package dev.sediment.streams.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sediment.streams.avro.testdata.CustomerTotal;
import dev.sediment.streams.avro.testdata.Order;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** Serdes made by class name and configured from a map, as Kafka Streams does for default serdes. */
class AvroSerdeConfigTest {

  private static final String V1_LOCATION = "classpath:" + TestOrders.V1_RESOURCE;

  @Test
  void aReflectivelyMadeSpecificSerdeTakesItsClassAndWriterSchemasFromConfiguration() {
    @SuppressWarnings("unchecked")
    Serde<Order> serde = Utils.newInstance(SpecificAvroSerde.class);
    serde.configure(Map.of(
        AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG, Order.class.getName(),
        AvroSerdeConfig.WRITER_SCHEMAS_CONFIG, V1_LOCATION,
        "application.id", "ignored-by-the-serde"), false);

    Order read = serde.deserializer().deserialize("orders", TestOrders.v1Payload("o-1", "ada", 5));

    assertEquals("EUR", read.getCurrency());
  }

  @Test
  void keyAndValueSettingsAreSeparate() {
    Map<String, Object> both = Map.of(
        AvroSerdeConfig.KEY_RECORD_CLASS_CONFIG, CustomerTotal.class,
        AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG, Order.class);
    SpecificAvroSerde<CustomerTotal> keys = new SpecificAvroSerde<>();
    SpecificAvroSerde<Order> values = new SpecificAvroSerde<>();

    keys.configure(both, true);
    values.configure(both, false);

    assertEquals(CustomerTotal.SCHEMA$, keys.schema());
    assertEquals(Order.SCHEMA$, values.schema());
  }

  @Test
  void aReflectivelyMadeGenericSerdeReadsItsSchemaFromALocation() {
    GenericAvroSerde serde = new GenericAvroSerde();
    serde.configure(Map.of(AvroSerdeConfig.VALUE_READER_SCHEMA_CONFIG, V1_LOCATION), false);

    GenericRecord read = serde.deserialize("orders", TestOrders.v1Payload("o-1", "ada", 5));

    assertEquals(TestOrders.V1, serde.schema());
    assertEquals("web", read.get("channel").toString());
  }

  @Test
  void aSerdeMadeInCodeKeepsItsTypeAndAddsConfiguredWriterSchemas() {
    SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(Order.class);

    serde.configure(Map.of(
        AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG, CustomerTotal.class, // another serde's setting
        AvroSerdeConfig.WRITER_SCHEMAS_CONFIG, V1_LOCATION), false);

    assertEquals(Order.SCHEMA$, serde.schema());
    assertEquals(1, serde.writerSchemas().size());
    assertEquals("grace", serde.deserialize("orders", TestOrders.v1Payload("o-1", "grace", 5)).getCustomer());
  }

  @Test
  void configuringAgainStartsFromWhatTheSerdeWasMadeWith() {
    SpecificAvroSerde<Order> serde = new SpecificAvroSerde<>(Order.class, AvroSchemas.of(TestOrders.V1));
    Map<String, Object> settings = Map.of(AvroSerdeConfig.WRITER_SCHEMAS_CONFIG, V1_LOCATION);

    serde.configure(settings, false);
    serde.configure(settings, false);
    serde.configure(Map.of(), false);

    assertEquals(1, serde.writerSchemas().size());
  }

  @Test
  void unconfiguredReflectiveSerdesSayWhatIsMissing() {
    IllegalStateException unconfigured = assertThrows(IllegalStateException.class,
        () -> new SpecificAvroSerde<Order>().serialize("orders", TestOrders.v2("o", "c", 1)));
    ConfigException noClass = assertThrows(ConfigException.class,
        () -> new SpecificAvroSerde<Order>().configure(Map.of(), false));
    ConfigException noSchema = assertThrows(ConfigException.class,
        () -> new GenericAvroSerde().configure(Map.of(), true));

    assertTrue(unconfigured.getMessage().contains("configure"), unconfigured.getMessage());
    assertTrue(noClass.getMessage().contains(AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG), noClass.getMessage());
    assertTrue(noSchema.getMessage().contains(AvroSerdeConfig.KEY_READER_SCHEMA_CONFIG), noSchema.getMessage());
  }

  @Test
  void badSettingsAreConfigExceptionsNamingTheSetting() {
    ConfigException notARecord = assertThrows(ConfigException.class, () -> new SpecificAvroSerde<Order>()
        .configure(Map.of(AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG, String.class), false));
    ConfigException noSuchClass = assertThrows(ConfigException.class, () -> new SpecificAvroSerde<Order>()
        .configure(Map.of(AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG, "shop.NoSuchOrder"), false));
    ConfigException noSuchSchema = assertThrows(ConfigException.class, () -> new SpecificAvroSerde<>(Order.class)
        .configure(Map.of(AvroSerdeConfig.WRITER_SCHEMAS_CONFIG, "classpath:nope/order-v0.avsc"), false));

    assertTrue(notARecord.getMessage().contains(AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG), notARecord.getMessage());
    assertTrue(noSuchClass.getMessage().contains("shop.NoSuchOrder"), noSuchClass.getMessage());
    assertTrue(noSuchSchema.getMessage().contains(AvroSerdeConfig.WRITER_SCHEMAS_CONFIG), noSuchSchema.getMessage());
    assertTrue(noSuchSchema.getMessage().contains("nope/order-v0.avsc"), noSuchSchema.getMessage());
  }

  @Test
  void theDefinitionDocumentsEverySetting() {
    assertEquals(Set.of(
            AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG,
            AvroSerdeConfig.WRITER_SCHEMAS_CONFIG,
            AvroSerdeConfig.KEY_RECORD_CLASS_CONFIG,
            AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG,
            AvroSerdeConfig.KEY_READER_SCHEMA_CONFIG,
            AvroSerdeConfig.VALUE_READER_SCHEMA_CONFIG),
        AvroSerdeConfig.configDef().names());
    AvroSerdeConfig.configDef().configKeys().values()
        .forEach(key -> assertTrue(key.documentation.length() > 40, key.name));
  }
}
