package dev.sediment.streams.avro;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes records of one schema to Avro single-object payloads, and decodes payloads written
 * with that schema or any writer schema in an {@link AvroSchemas} to it.
 *
 * <p>The wire work is Avro's own {@link BinaryMessageEncoder} and {@link BinaryMessageDecoder},
 * so the bytes are exactly what any Avro implementation writes and reads. This class adds the
 * checks and messages an operator needs: the header and fingerprint are read first so failures
 * name them, and a payload must be consumed exactly (leftover bytes mean corruption, which Avro
 * alone would silently ignore).
 *
 * <p>Immutable and thread-safe, as Avro's encoder and decoder are.
 */
final class SingleObjectCodec<T> {

  private final Schema schema;
  private final long fingerprint;
  private final AvroSchemas writerSchemas;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  /**
   * @param model the data model that builds decoded records: a record class's own
   *     {@code SpecificData}, or {@code GenericData.get()}
   * @param schema the schema records are written with and read into (the reader schema)
   * @param writerSchemas other schemas that payloads may have been written with
   */
  SingleObjectCodec(GenericData model, Schema schema, AvroSchemas writerSchemas) {
    this.schema = schema;
    this.fingerprint = AvroSchemas.fingerprint(schema);
    this.writerSchemas = writerSchemas;
    // No copy: encode() copies the thread's buffer into the returned array right away.
    this.encoder = new BinaryMessageEncoder<>(model, schema, false);
    this.decoder = new BinaryMessageDecoder<>(model, schema, writerSchemas);
  }

  Schema schema() {
    return schema;
  }

  AvroSchemas writerSchemas() {
    return writerSchemas;
  }

  byte[] encode(String topic, T record) {
    requireSameLayout(topic, record);
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] payload = new byte[buffer.remaining()];
      buffer.get(payload);
      return payload;
    } catch (IOException | RuntimeException e) {
      // Typically a null in a non-nullable field; Avro's message names the field.
      throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic "
          + topic + ": " + e.getMessage(), e);
    }
  }

  T decode(String topic, byte[] payload) {
    long writerFingerprint = SingleObjectHeader.readFingerprint(payload, topic);
    if (writerFingerprint != fingerprint && !writerSchemas.contains(writerFingerprint)) {
      throw unknownWriterSchema(topic, writerFingerprint);
    }
    ByteArrayInputStream in = new ByteArrayInputStream(payload);
    T record;
    try {
      record = decoder.decode(in, null);
    } catch (IOException | RuntimeException e) {
      throw decodingFailure(topic, payload, writerFingerprint, e);
    }
    // Avro reads through a direct (unbuffered) decoder, so what is left in the stream is unread.
    if (in.available() > 0) {
      throw new SerializationException("Corrupt Avro payload on topic " + topic + ": "
          + in.available() + " bytes left over after a complete record of "
          + describe(writerFingerprint) + "; payload " + SingleObjectHeader.leadingBytes(payload));
    }
    return record;
  }

  /**
   * A generic record built with another schema would be written field by field in the wrong
   * positions; refuse it rather than produce bytes that decode to garbage. A specific record's
   * schema is its class's {@code SCHEMA$}, so the first comparison settles it.
   */
  private void requireSameLayout(String topic, T record) {
    if (record instanceof GenericContainer container) {
      Schema actual = container.getSchema();
      if (actual != schema && !actual.equals(schema) && AvroSchemas.fingerprint(actual) != fingerprint) {
        throw new SerializationException("Cannot serialize for topic " + topic + ": the record has schema "
            + actual.getFullName() + " " + SingleObjectHeader.hex(AvroSchemas.fingerprint(actual))
            + " but this serializer writes " + describe(fingerprint)
            + ". Build the record with the serde's schema, or use a serde for its schema.");
      }
    }
  }

  private UnknownWriterSchemaException unknownWriterSchema(String topic, long writerFingerprint) {
    return new UnknownWriterSchemaException("Unknown Avro writer schema on topic " + topic
        + ": the payload's header names fingerprint " + SingleObjectHeader.hex(writerFingerprint)
        + " (CRC-64-AVRO, bytes 2-9 little-endian). This deserializer reads " + describe(fingerprint)
        + (writerSchemas.size() == 0 ? " and no other writer schema" : " and the writer schemas " + writerSchemas)
        + ". Register the schema the producer used:"
        + " add it to the AvroSchemas given to the serde (AvroSchemas.builder().addResource(\"x.avsc\")),"
        + " or list its .avsc in " + AvroSerdeConfig.WRITER_SCHEMAS_CONFIG
        + ". AvroSchemas.fingerprint(schema) tells which schema has this fingerprint.",
        writerFingerprint);
  }

  private SerializationException decodingFailure(String topic, byte[] payload, long writerFingerprint,
      Exception e) {
    String where = " on topic " + topic + " (writer schema " + describe(writerFingerprint)
        + ", payload " + SingleObjectHeader.leadingBytes(payload) + ")";
    if (cause(e, EOFException.class) != null) {
      return new SerializationException("Truncated Avro payload" + where
          + ": the bytes ended before the record did", e);
    }
    SecurityException refused = cause(e, SecurityException.class);
    if (refused != null) {
      return new SerializationException("Avro refused to instantiate a class" + where + ": "
          + refused.getMessage() + " The serde trusts its record's own types; trust other packages with "
          + AvroSerdeConfig.TRUSTED_PACKAGES_CONFIG + ".", e);
    }
    if (e instanceof AvroTypeException && !readable(writerFingerprint)) {
      return new SerializationException("Cannot resolve the writer schema to the reader schema "
          + schema.getFullName() + where + ": " + e.getMessage()
          + ". Every field the reader has and the writer lacks needs a default.", e);
    }
    return new SerializationException("Corrupt Avro payload" + where + ": " + e, e);
  }

  /**
   * Whether Avro can resolve this writer schema to ours; asked only after a failure, so that a
   * type error is blamed on the schemas when they are at fault and on the bytes otherwise.
   */
  private boolean readable(long writerFingerprint) {
    Schema writer = writerFingerprint == fingerprint ? schema : writerSchemas.findByFingerprint(writerFingerprint);
    return writer != null && SchemaCompatibility.checkReaderWriterCompatibility(schema, writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private String describe(long someFingerprint) {
    Schema known = someFingerprint == fingerprint ? schema : writerSchemas.findByFingerprint(someFingerprint);
    String name = known == null ? "?" : known.getFullName();
    return name + " " + SingleObjectHeader.hex(someFingerprint);
  }

  /** The first throwable of {@code type} in e's cause chain, or null. */
  private static <X extends Throwable> X cause(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
