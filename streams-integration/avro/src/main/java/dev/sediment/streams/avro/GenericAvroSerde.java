package dev.sediment.streams.avro;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;

/**
 * A serde for {@link GenericRecord}s of one record schema, for code without generated classes.
 *
 * <pre>{@code
 * Schema order = new Schema.Parser().parse(orderV2Avsc);
 * Serde<GenericRecord> orders = new GenericAvroSerde(order, AvroSchemas.builder()
 *     .addResource("schemas/order-v1.avsc").build());
 * }</pre>
 *
 * <p>Decoded records use {@link GenericData}: strings arrive as {@code org.apache.avro.util.Utf8}
 * unless the schema says {@code "avro.java.string": "String"}, and logical types stay in their
 * underlying Avro type. Records to serialize must have been built with this serde's schema (or one
 * with the same fingerprint); anything else is refused rather than written in the wrong layout.
 */
public final class GenericAvroSerde extends AvroSerde<GenericRecord> {

  /** Null for a serde whose schema comes from configuration. */
  private final Schema readerSchema;

  private final AvroSchemas writerSchemas;

  /**
   * For Kafka's reflective construction (e.g. {@code default.value.serde}): {@link #configure}
   * must locate the schema with {@link AvroSerdeConfig#VALUE_READER_SCHEMA_CONFIG} or
   * {@link AvroSerdeConfig#KEY_READER_SCHEMA_CONFIG}.
   */
  public GenericAvroSerde() {
    super(null);
    this.readerSchema = null;
    this.writerSchemas = AvroSchemas.empty();
  }

  /** Reads only records written with {@code readerSchema}. */
  public GenericAvroSerde(Schema readerSchema) {
    this(readerSchema, AvroSchemas.empty());
  }

  /**
   * Also reads records written with any of {@code writerSchemas}, resolved to {@code readerSchema}.
   *
   * @throws IllegalArgumentException if {@code readerSchema} is not a record schema
   */
  public GenericAvroSerde(Schema readerSchema, AvroSchemas writerSchemas) {
    super(codecFor(readerSchema, writerSchemas));
    this.readerSchema = readerSchema;
    this.writerSchemas = writerSchemas;
  }

  @Override
  SingleObjectCodec<GenericRecord> configured(AvroSerdeConfig config, boolean isKey) {
    Schema schema = readerSchema;
    if (schema == null) {
      String name = isKey ? AvroSerdeConfig.KEY_READER_SCHEMA_CONFIG : AvroSerdeConfig.VALUE_READER_SCHEMA_CONFIG;
      schema = config.readerSchema(isKey).orElseThrow(() -> new ConfigException(
          "GenericAvroSerde made with the no-argument constructor needs " + name));
      if (schema.getType() != Schema.Type.RECORD) {
        throw new ConfigException(name, config.getString(name), "not a record schema");
      }
    }
    return codecFor(schema, writerSchemas.plus(config.writerSchemas()));
  }

  private static SingleObjectCodec<GenericRecord> codecFor(Schema readerSchema, AvroSchemas writerSchemas) {
    if (readerSchema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("GenericAvroSerde reads records; " + readerSchema.getFullName()
          + " is a " + readerSchema.getType());
    }
    // Our own model, not the shared GenericData.get(): see SpecificAvroSerde.codecFor.
    return new SingleObjectCodec<>(new GenericData(), readerSchema, writerSchemas);
  }
}
