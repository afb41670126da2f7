package dev.sediment.streams.avro;

import java.util.HexFormat;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The 10-byte header of Avro single-object encoding (see {@code package-info}): the marker
 * {@code C3 01}, then the writer schema's CRC-64-AVRO fingerprint, little-endian.
 *
 * <p>Avro's own decoder checks this header too, but its errors print the fingerprint in decimal
 * and not the bytes it saw. Reading the header here first lets every failure name what arrived,
 * which is what someone staring at a poisoned topic needs.
 *
 * <p>The layout is Avro's specification, not ours: never change these constants.
 */
final class SingleObjectHeader {

  /** Marker bytes and fingerprint: the header's length in bytes. */
  static final int LENGTH = 10;

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  /** How many leading bytes an error message shows: the header plus a little of the body. */
  private static final int SHOWN_BYTES = 16;

  private SingleObjectHeader() {}

  /**
   * Returns the writer schema's fingerprint from the header of {@code payload}.
   *
   * @throws SerializationException if the payload is shorter than a header or does not start
   *     with the marker; the message shows the leading bytes
   */
  static long readFingerprint(byte[] payload, String topic) {
    boolean markerSeen = (payload.length < 1 || payload[0] == MARKER_0)
        && (payload.length < 2 || payload[1] == MARKER_1);
    if (!markerSeen) {
      throw new SerializationException("Not Avro single-object encoding on topic " + topic
          + ": expected the marker C3 01, saw " + leadingBytes(payload)
          + ". Was this topic written by another serializer (Confluent's starts with 00)?");
    }
    if (payload.length < LENGTH) {
      throw new SerializationException("Truncated Avro single-object header on topic " + topic
          + ": " + payload.length + " bytes, the header alone needs " + LENGTH + ": "
          + leadingBytes(payload));
    }
    long fingerprint = 0;
    for (int i = LENGTH - 1; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (payload[i] & 0xFF);
    }
    return fingerprint;
  }

  /** A fingerprint as people and logs should see it: {@code 0x} and 16 hex digits. */
  static String hex(long fingerprint) {
    return "0x" + HexFormat.of().toHexDigits(fingerprint);
  }

  /** The first bytes of a payload in hex, e.g. {@code "[00 00 00 00 2a ...] (40 bytes)"}. */
  static String leadingBytes(byte[] payload) {
    int shown = Math.min(payload.length, SHOWN_BYTES);
    String hex = HexFormat.ofDelimiter(" ").formatHex(payload, 0, shown);
    return "[" + hex + (shown < payload.length ? " ..." : "") + "] (" + payload.length + " bytes)";
  }
}
