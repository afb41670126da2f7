/**
 * Kafka serdes for Avro records that need no schema registry and no Confluent artifacts: only
 * {@code org.apache.avro:avro} and its single-object encoding.
 *
 * <h2>Wire format</h2>
 *
 * Every non-null record is one Avro single-object encoded datum, as the Avro specification
 * defines it ("Single-object encoding") and {@code org.apache.avro.message.BinaryMessageEncoder}
 * writes it:
 *
 * <pre>
 * payload     := marker fingerprint body
 * marker      := 0xC3 0x01                      (2 bytes; format version 1 of single-object encoding)
 * fingerprint := CRC-64-AVRO of the writer schema's Parsing Canonical Form,
 *                8 bytes, little-endian          (= SchemaNormalization.parsingFingerprint64)
 * body        := the record in Avro binary encoding, written with that writer schema,
 *                and nothing after it
 * </pre>
 *
 * A null record is a null payload (a Kafka tombstone), never an empty array. Example: the record
 * {@code {"a": "abc", "b": "xyz", "n": 1}} of schema {@code {a: string, b: string, n: long}} takes
 * 19 bytes: 10 of header, 4 for each string (a length byte and 3 bytes), 1 for the long. The format is
 * Avro's, so any Avro library can read these payloads given the schema; it is not Confluent's
 * wire format ({@code 0x00} and a 4-byte registry id), and the two cannot be mixed on one topic.
 *
 * <p>The fingerprint identifies the writer schema but does not carry it. A reader therefore needs
 * the writer schema at hand: its own (the common case) or one of the older or newer versions it
 * was given in {@link dev.sediment.streams.avro.AvroSchemas}. Unknown fingerprints, a wrong
 * marker, short or over-long payloads all fail with a
 * {@link org.apache.kafka.common.errors.SerializationException} that names what was seen.
 *
 * <h2>Evolving a schema</h2>
 *
 * Avro resolves a record written with one schema to another by field name: fields the reader
 * lacks are skipped, fields the writer lacked get the reader's default. So:
 *
 * <ol>
 *   <li>Change the schema compatibly: add fields <em>with a default</em>, remove fields (that the
 *       old readers either don't have or have with a default), rename only through aliases, widen
 *       types only as Avro's promotion rules allow (int to long, float or double, and so on). Do
 *       not change a field's type otherwise, and keep enum symbols readers may see (or give the
 *       enum a default). {@code org.apache.avro.SchemaCompatibility} checks a pair of schemas,
 *       for instance in a unit test.
 *   <li>Keep the previous version's {@code .avsc}, unchanged, next to the new one (for example
 *       {@code order-v1.avsc}), and give it to every deserializer: as
 *       {@code AvroSchemas.builder().addResource("order-v1.avsc")} in code, or through
 *       {@link dev.sediment.streams.avro.AvroSerdeConfig#WRITER_SCHEMAS_CONFIG}.
 *   <li>Deploy readers before writers. A reader that meets a fingerprint it was not given throws
 *       {@link dev.sediment.streams.avro.UnknownWriterSchemaException} rather than guessing.
 *   <li>Drop an old version from the list only when no topic, changelog or state store can hold
 *       records written with it any more. State stores and changelogs keep values for as long as
 *       their keys live, often far longer than a topic's retention.
 * </ol>
 *
 * A writer schema's defaults, docs and aliases do not change its fingerprint: only the reader
 * schema's defaults fill in missing fields.
 *
 * <h2>Classes Avro may instantiate</h2>
 *
 * Avro 1.12.2 refuses to instantiate classes it has not been told to trust. A
 * {@link dev.sediment.streams.avro.SpecificAvroSerde} trusts its record's own types itself, so no
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} is needed; see
 * {@link dev.sediment.streams.avro.AvroSerdeConfig#TRUSTED_PACKAGES_CONFIG} for other classes.
 */
package dev.sediment.streams.avro;
