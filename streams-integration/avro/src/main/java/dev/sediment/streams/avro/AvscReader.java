package dev.sediment.streams.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Reads Avro schemas from {@code .avsc} files and classpath resources.
 *
 * <p>Each file gets its own {@link Schema.Parser}: two versions of one record share a full name,
 * and a shared parser would refuse the second ("Can't redefine"). The price is that a file must be
 * self-contained, which writer schemas kept for evolution always are (they are the whole schema
 * some producer once used).
 *
 * <p>A <em>location</em> is a string naming schemas, as in configuration:
 * {@code classpath:path/in/jar.avsc} for a resource, otherwise a filesystem path to an
 * {@code .avsc} file or to a directory, which stands for the {@code .avsc} files directly in it.
 */
final class AvscReader {

  static final String CLASSPATH_PREFIX = "classpath:";

  private AvscReader() {}

  /** The schemas at {@code location}; a directory's files are read in name order. */
  static List<Schema> readLocation(String location, ClassLoader loader) {
    String trimmed = location.strip();
    if (trimmed.startsWith(CLASSPATH_PREFIX)) {
      return List.of(readResource(trimmed.substring(CLASSPATH_PREFIX.length()), loader));
    }
    Path path = Path.of(trimmed);
    return Files.isDirectory(path) ? readDirectory(path) : List.of(readFile(path));
  }

  /** The one schema at {@code location}, which must not be a directory. */
  static Schema readSingle(String location, ClassLoader loader) {
    List<Schema> schemas = readLocation(location, loader);
    if (schemas.size() != 1) {
      throw new IllegalArgumentException("Expected one Avro schema at " + location + ", found "
          + schemas.size() + " (a directory names several; name the .avsc file)");
    }
    return schemas.get(0);
  }

  static Schema readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("No Avro schema file at " + file.toAbsolutePath());
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Avro schema file " + file, e);
    }
  }

  static Schema readResource(String name, ClassLoader loader) {
    // ClassLoader names never start with '/', unlike Class.getResource's; accept both spellings.
    String resource = name.startsWith("/") ? name.substring(1) : name;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("No Avro schema resource " + resource + " on the classpath");
      }
      return parse(in, CLASSPATH_PREFIX + resource);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Avro schema resource " + resource, e);
    }
  }

  static List<Schema> readDirectory(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".avsc"))
          .sorted()
          .map(AvscReader::readFile)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list Avro schema directory " + directory, e);
    }
  }

  private static Schema parse(InputStream in, String source) throws IOException {
    try {
      return new Schema.Parser().parse(in);
    } catch (AvroRuntimeException e) { // SchemaParseException, or AvroTypeException for a bad default
      throw new IllegalArgumentException("Invalid Avro schema in " + source + ": " + e.getMessage(), e);
    }
  }
}
