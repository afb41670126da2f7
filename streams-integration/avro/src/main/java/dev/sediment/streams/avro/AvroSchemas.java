package dev.sediment.streams.avro;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * An immutable set of writer schemas, found by fingerprint: the registry-free way to read records
 * written with another version of a schema.
 *
 * <p>A payload names its writer schema only by fingerprint (see {@code package-info}), so a
 * deserializer can read data written with an older (or newer) schema only if that schema is in
 * here. Keep every version that may still be in a topic, its changelog, or a state store, for
 * instance as {@code .avsc} files next to the current one:
 *
 * <pre>{@code
 * AvroSchemas older = AvroSchemas.builder()
 *     .addResource("schemas/order-v1.avsc")
 *     .build();
 * Serde<Order> serde = new SpecificAvroSerde<>(Order.class, older);
 * }</pre>
 *
 * <p>Two schemas that differ only in what the fingerprint ignores (defaults, docs, aliases,
 * custom properties) have one fingerprint and the same binary layout; the first one added is kept.
 * A writer schema's defaults never matter: only the reader schema's fill in missing fields.
 *
 * <p>Thread-safe: instances never change after {@link Builder#build()}.
 */
public final class AvroSchemas implements SchemaStore {

  private static final AvroSchemas EMPTY = new AvroSchemas(Map.of());

  /** Insertion order, so {@link #schemas()} and {@link #toString()} are stable. */
  private final Map<Long, Schema> byFingerprint;

  private AvroSchemas(Map<Long, Schema> byFingerprint) {
    this.byFingerprint = byFingerprint;
  }

  /** No schemas: a deserializer with this store reads only its reader schema's own records. */
  public static AvroSchemas empty() {
    return EMPTY;
  }

  /** The given schemas. */
  public static AvroSchemas of(Schema... schemas) {
    Builder builder = builder();
    for (Schema schema : schemas) {
      builder.add(schema);
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The CRC-64-AVRO fingerprint of the schema's parsing canonical form: the eight bytes that
   * single-object encoding puts after {@code C3 01}, little-endian.
   */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** The schema with this fingerprint, or null as {@link SchemaStore} requires. */
  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  public boolean contains(long fingerprint) {
    return byFingerprint.containsKey(fingerprint);
  }

  /** All schemas, in the order they were added. */
  public List<Schema> schemas() {
    return List.copyOf(byFingerprint.values());
  }

  public int size() {
    return byFingerprint.size();
  }

  /** These schemas and then {@code other}'s; a fingerprint already here keeps its schema. */
  public AvroSchemas plus(AvroSchemas other) {
    if (other.byFingerprint.isEmpty()) {
      return this;
    }
    return builder().addAll(this).addAll(other).build();
  }

  /** Full names and fingerprints, e.g. {@code [shop.Order@0x8f...]}. */
  @Override
  public String toString() {
    return byFingerprint.entrySet().stream()
        .map(e -> e.getValue().getFullName() + "@" + SingleObjectHeader.hex(e.getKey()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Collects schemas; not thread-safe, and each {@link #build()} takes a snapshot. */
  public static final class Builder {

    private final Map<Long, Schema> byFingerprint = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(Schema schema) {
      Objects.requireNonNull(schema, "schema");
      byFingerprint.putIfAbsent(fingerprint(schema), schema);
      return this;
    }

    public Builder addAll(AvroSchemas schemas) {
      schemas.byFingerprint.forEach(byFingerprint::putIfAbsent);
      return this;
    }

    /**
     * Adds the schema in an {@code .avsc} file, or those directly in a directory.
     *
     * @throws IllegalArgumentException if there is no such file or it holds no valid schema
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public Builder addFile(Path fileOrDirectory) {
      if (Files.isDirectory(fileOrDirectory)) {
        AvscReader.readDirectory(fileOrDirectory).forEach(this::add);
        return this;
      }
      return add(AvscReader.readFile(fileOrDirectory));
    }

    /**
     * Adds the schema in a classpath resource, e.g. {@code "schemas/order-v1.avsc"}, looked up
     * through the thread's context class loader (or this library's if there is none).
     *
     * @throws IllegalArgumentException if there is no such resource or it holds no valid schema
     */
    public Builder addResource(String name) {
      return add(AvscReader.readResource(name, defaultClassLoader()));
    }

    /**
     * Adds the schemas at a location as configuration names them:
     * {@code classpath:path/to/x.avsc}, or a path to an {@code .avsc} file or a directory.
     */
    public Builder addLocation(String location) {
      AvscReader.readLocation(location, defaultClassLoader()).forEach(this::add);
      return this;
    }

    public AvroSchemas build() {
      if (byFingerprint.isEmpty()) {
        return EMPTY;
      }
      return new AvroSchemas(Collections.unmodifiableMap(new LinkedHashMap<>(byFingerprint)));
    }
  }

  static ClassLoader defaultClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : AvroSchemas.class.getClassLoader();
  }
}
