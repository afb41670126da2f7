package dev.sediment.streams.avro;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings {@link AvroSerde#configure} reads. Kafka Streams passes its whole configuration to
 * a default serde, so these can sit in the application's properties next to
 * {@code default.value.serde}.
 *
 * <p>The record class and reader schema settings come in key and value flavours, as Kafka's own
 * {@code default.list.key.serde.type} does, so one configuration can describe both default serdes.
 * They only matter to a serde made with the no-argument constructor; a serde made in code keeps
 * the type it was made for.
 *
 * <p>Immutable once constructed.
 */
public final class AvroSerdeConfig extends AbstractConfig {

  private static final String PREFIX = "sediment.avro.";

  public static final String TRUSTED_PACKAGES_CONFIG = PREFIX + "trusted.packages";
  private static final String TRUSTED_PACKAGES_DOC = "Packages (with their subpackages) whose classes"
      + " Avro may instantiate while decoding, besides the record's own types, which are always"
      + " trusted. Needed for classes a schema names other than as a type, e.g. a java-class string."
      + " Process-wide, like Avro's org.apache.avro.SERIALIZABLE_PACKAGES, which it complements.";

  public static final String WRITER_SCHEMAS_CONFIG = PREFIX + "writer.schemas";
  private static final String WRITER_SCHEMAS_DOC = "Schemas that records may have been written"
      + " with, besides the reader schema: 'classpath:path/x.avsc', or a path to an .avsc file or to"
      + " a directory of them. Added to any schemas the serde was constructed with.";

  public static final String KEY_RECORD_CLASS_CONFIG = PREFIX + "key.record.class";
  public static final String VALUE_RECORD_CLASS_CONFIG = PREFIX + "value.record.class";
  private static final String RECORD_CLASS_DOC = "The generated SpecificRecord class a"
      + " SpecificAvroSerde made with its no-argument constructor reads and writes as %s.";

  public static final String KEY_READER_SCHEMA_CONFIG = PREFIX + "key.reader.schema";
  public static final String VALUE_READER_SCHEMA_CONFIG = PREFIX + "value.reader.schema";
  private static final String READER_SCHEMA_DOC = "Where the schema is that a GenericAvroSerde made"
      + " with its no-argument constructor reads and writes as %s: 'classpath:path/x.avsc' or a file.";

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define(TRUSTED_PACKAGES_CONFIG, Type.LIST, List.of(), Importance.MEDIUM, TRUSTED_PACKAGES_DOC)
      .define(WRITER_SCHEMAS_CONFIG, Type.LIST, List.of(), Importance.HIGH, WRITER_SCHEMAS_DOC)
      .define(KEY_RECORD_CLASS_CONFIG, Type.CLASS, null, Importance.HIGH, RECORD_CLASS_DOC.formatted("keys"))
      .define(VALUE_RECORD_CLASS_CONFIG, Type.CLASS, null, Importance.HIGH, RECORD_CLASS_DOC.formatted("values"))
      .define(KEY_READER_SCHEMA_CONFIG, Type.STRING, null, Importance.HIGH, READER_SCHEMA_DOC.formatted("keys"))
      .define(VALUE_READER_SCHEMA_CONFIG, Type.STRING, null, Importance.HIGH,
          READER_SCHEMA_DOC.formatted("values"));

  /**
   * @throws ConfigException if a setting has the wrong type or names a class that does not exist
   */
  public AvroSerdeConfig(Map<?, ?> originals) {
    super(DEFINITION, originals, false);
  }

  /** All settings with their types, defaults and documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  public List<String> trustedPackages() {
    return List.copyOf(getList(TRUSTED_PACKAGES_CONFIG));
  }

  /**
   * Reads the schemas {@link #WRITER_SCHEMAS_CONFIG} names.
   *
   * @throws ConfigException if a location does not exist or holds no valid schema
   */
  public AvroSchemas writerSchemas() {
    AvroSchemas.Builder builder = AvroSchemas.builder();
    for (String location : getList(WRITER_SCHEMAS_CONFIG)) {
      try {
        builder.addLocation(location);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new ConfigException(WRITER_SCHEMAS_CONFIG, location, e.getMessage());
      }
    }
    return builder.build();
  }

  public Optional<Class<?>> recordClass(boolean isKey) {
    return Optional.ofNullable(getClass(isKey ? KEY_RECORD_CLASS_CONFIG : VALUE_RECORD_CLASS_CONFIG));
  }

  /**
   * Reads the schema the key or value reader schema setting names, if it is set.
   *
   * @throws ConfigException if the location does not exist or holds no valid schema
   */
  public Optional<Schema> readerSchema(boolean isKey) {
    String name = isKey ? KEY_READER_SCHEMA_CONFIG : VALUE_READER_SCHEMA_CONFIG;
    String location = getString(name);
    if (location == null || location.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(AvscReader.readSingle(location, AvroSchemas.defaultClassLoader()));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new ConfigException(name, location, e.getMessage());
    }
  }
}
