package dev.sediment.streams.avro;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

/**
 * A serde for generated (or hand-written) {@link SpecificRecord} classes.
 *
 * <pre>{@code
 * Serde<Order> orders = new SpecificAvroSerde<>(Order.class,
 *     AvroSchemas.builder().addResource("schemas/order-v1.avsc").build());
 * builder.stream("orders", Consumed.with(Serdes.String(), orders));
 * }</pre>
 *
 * <p>The reader schema is the class's own ({@code SCHEMA$}), and decoded records get the
 * logical-type conversions the class registered (in its {@code MODEL$}).
 *
 * <p>Decoding works without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}: making the serde
 * tells Avro's class guard to trust the record class and the classes of all record, enum and
 * fixed types its schema contains, since that schema is compiled into the application. See
 * {@link AvroSerdeConfig#TRUSTED_PACKAGES_CONFIG} for anything else, and
 * {@code TrustedAvroClasses} for the reasoning.
 *
 * @param <T> the record class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> extends AvroSerde<T> {

  /** Null for a serde whose class comes from configuration. */
  private final Class<T> recordClass;

  private final AvroSchemas writerSchemas;

  /**
   * For Kafka's reflective construction (e.g. {@code default.value.serde}): {@link #configure}
   * must name the class with {@link AvroSerdeConfig#VALUE_RECORD_CLASS_CONFIG} or
   * {@link AvroSerdeConfig#KEY_RECORD_CLASS_CONFIG}.
   */
  public SpecificAvroSerde() {
    super(null);
    this.recordClass = null;
    this.writerSchemas = AvroSchemas.empty();
  }

  /** Reads only records written with the class's own schema. */
  public SpecificAvroSerde(Class<T> recordClass) {
    this(recordClass, AvroSchemas.empty());
  }

  /** Also reads records written with any of {@code writerSchemas}, resolved to the class's schema. */
  public SpecificAvroSerde(Class<T> recordClass, AvroSchemas writerSchemas) {
    super(codecFor(recordClass, writerSchemas));
    this.recordClass = recordClass;
    this.writerSchemas = writerSchemas;
  }

  @Override
  SingleObjectCodec<T> configured(AvroSerdeConfig config, boolean isKey) {
    Class<T> type = recordClass != null ? recordClass : configuredClass(config, isKey);
    return codecFor(type, writerSchemas.plus(config.writerSchemas()));
  }

  private static <T extends SpecificRecord> SingleObjectCodec<T> codecFor(Class<T> recordClass,
      AvroSchemas writerSchemas) {
    SpecificData classModel = SpecificData.getForClass(recordClass);
    Schema schema = classModel.getSchema(recordClass);
    TrustedAvroClasses.trustReaderTypes(recordClass, schema);
    // A model of our own rather than the class's shared MODEL$: when building a reader fails
    // (say on an untrusted class), Avro's fast reader keeps the half-built reader cached in the
    // model and fails with NPEs from then on. With our own, configure() after fixing the trust
    // gets a clean model, and no other user of MODEL$ can break ours.
    SpecificData model = new SpecificData(recordClass.getClassLoader());
    classModel.getConversions().forEach(model::addLogicalTypeConversion);
    return new SingleObjectCodec<>(model, schema, writerSchemas);
  }

  @SuppressWarnings("unchecked") // checked against SpecificRecord; T is the caller's claim
  private static <T extends SpecificRecord> Class<T> configuredClass(AvroSerdeConfig config, boolean isKey) {
    String name = isKey ? AvroSerdeConfig.KEY_RECORD_CLASS_CONFIG : AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG;
    Class<?> type = config.recordClass(isKey).orElseThrow(() -> new ConfigException(
        "SpecificAvroSerde made with the no-argument constructor needs " + name));
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      throw new ConfigException(name, type.getName(), "not an Avro SpecificRecord class");
    }
    return (Class<T>) type;
  }
}
