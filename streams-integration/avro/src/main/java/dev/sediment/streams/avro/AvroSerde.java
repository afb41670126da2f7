package dev.sediment.streams.avro;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for Avro records in single-object encoding (see {@code package-info} for the
 * bytes): no schema registry, no Confluent artifacts. It is its own serializer and deserializer.
 *
 * <p>Records are written with the serde's schema. Payloads are read into that schema from
 * whichever schema wrote them, provided the payload's fingerprint is the serde's own or one of
 * its {@link #writerSchemas() writer schemas}.
 *
 * <p>Nulls follow Kafka's convention: a null record serializes to null and null bytes deserialize
 * to null, so tombstones pass through. Every other failure is a {@link SerializationException}
 * whose message names the topic, the bytes or fingerprint seen, and what to do;
 * {@link UnknownWriterSchemaException} marks the one failure that configuration fixes.
 *
 * <p>Thread-safe. {@link #configure} replaces the serde's state in one step; it is meant to be
 * called before use, as Kafka does.
 *
 * @param <T> the record type
 */
public abstract sealed class AvroSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T>
    permits SpecificAvroSerde, GenericAvroSerde {

  /** Null only for a serde made with a no-argument constructor and not yet configured. */
  private volatile SingleObjectCodec<T> codec;

  AvroSerde(SingleObjectCodec<T> codec) {
    this.codec = codec;
  }

  /**
   * Builds the codec {@code config} describes, merged with what the serde was constructed with
   * (not with earlier configurations: configuring twice with the same map gives the same serde).
   *
   * @throws org.apache.kafka.common.config.ConfigException if the result would be incomplete
   *     or inconsistent
   */
  abstract SingleObjectCodec<T> configured(AvroSerdeConfig config, boolean isKey);

  /**
   * Applies the {@link AvroSerdeConfig} settings: adds the configured writer schemas and trusted
   * packages and, for a serde made with the no-argument constructor, sets the record type.
   */
  @Override
  public final void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    TrustedAvroClasses.trustPackages(config.trustedPackages());
    codec = configured(config, isKey);
  }

  /** The schema records are written with and read into. */
  public final Schema schema() {
    return codec().schema();
  }

  /** The other schemas this serde can read records written with. */
  public final AvroSchemas writerSchemas() {
    return codec().writerSchemas();
  }

  /** @return null for a null record (a tombstone), else the single-object encoding of it */
  @Override
  public final byte[] serialize(String topic, T record) {
    return record == null ? null : codec().encode(topic, record);
  }

  /** @return null for null bytes (a tombstone), else the decoded record */
  @Override
  public final T deserialize(String topic, byte[] payload) {
    return payload == null ? null : codec().decode(topic, payload);
  }

  @Override
  public final Serializer<T> serializer() {
    return this;
  }

  @Override
  public final Deserializer<T> deserializer() {
    return this;
  }

  /** Holds no resources. */
  @Override
  public final void close() {}

  private SingleObjectCodec<T> codec() {
    SingleObjectCodec<T> current = codec;
    if (current == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " made with the no-argument"
          + " constructor is not configured yet: call configure() with "
          + AvroSerdeConfig.VALUE_RECORD_CLASS_CONFIG + " / " + AvroSerdeConfig.VALUE_READER_SCHEMA_CONFIG
          + " (or the key.* forms), or construct it with its type");
    }
    return current;
  }
}
