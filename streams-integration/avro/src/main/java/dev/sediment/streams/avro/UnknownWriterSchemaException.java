package dev.sediment.streams.avro;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload names, by fingerprint, a writer schema the deserializer was not given.
 *
 * <p>A separate type because it calls for a different reaction than corrupt bytes: the record is
 * very likely fine, and the fix is configuration (register the writer schema and restart), not
 * skipping it. A deserialization exception handler can tell the two apart by type.
 */
public final class UnknownWriterSchemaException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final long fingerprint;

  UnknownWriterSchemaException(String message, long fingerprint) {
    super(message);
    this.fingerprint = fingerprint;
  }

  /** The unknown writer schema's CRC-64-AVRO fingerprint, as read from the payload's header. */
  public long fingerprint() {
    return fingerprint;
  }
}
