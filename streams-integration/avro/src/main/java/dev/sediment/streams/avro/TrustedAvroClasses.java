package dev.sediment.streams.avro;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Tells Avro's class-loading guard which classes our deserializers may instantiate.
 *
 * <p><b>Why this exists.</b> Avro 1.12.2 (AVRO-4189) loads every class it instantiates by name
 * through {@code ClassUtils.forName}, which asks {@link ClassSecurityValidator} first. Out of the
 * box it trusts only a few {@code java.lang}/{@code java.math} classes plus what the system
 * properties {@code org.apache.avro.SERIALIZABLE_PACKAGES} / {@code SERIALIZABLE_CLASSES} list, and
 * those are read once, when the class initializes. So decoding any generated {@code SpecificRecord}
 * fails with {@code SecurityException: Forbidden ...} unless every JVM that runs the application
 * was started with the right flag. That is a deployment trap, and the flag is global anyway.
 *
 * <p><b>What is trusted.</b> The guard protects against <em>data</em> choosing which classes get
 * instantiated. A specific serde instantiates the classes its <em>reader</em> schema names, and
 * that schema is compiled into the application (the record class's {@code SCHEMA$}), so those
 * classes are exactly as trusted as the application's own code. We trust precisely them: the
 * record class and the class of every record, enum and fixed type reachable from its schema,
 * whatever their package. Writer schemas never add trust. Anything else (say a {@code java-class}
 * string type in a hand-written record) must be listed in
 * {@link AvroSerdeConfig#TRUSTED_PACKAGES_CONFIG}, which has the system property's meaning:
 * a package and its subpackages.
 *
 * <p><b>Mechanism.</b> Avro 1.12.2 offers no per-reader setting; the supported API is the global
 * {@link ClassSecurityValidator#setGlobal}. We install the current global predicate OR ours, so
 * whatever was trusted (system properties, another library's setup) stays trusted. If someone
 * replaces the global later, the next serde that is created or configured installs ours again.
 * Trust only grows, for the life of the JVM, like the system property's.
 */
final class TrustedAvroClasses {

  private static final Set<String> CLASS_NAMES = ConcurrentHashMap.newKeySet();

  /** Package names with a trailing dot, so "com.acme" does not match "com.acmeevil.X". */
  private static final Set<String> PACKAGE_PREFIXES = ConcurrentHashMap.newKeySet();

  private static final ClassSecurityPredicate OURS = TrustedAvroClasses::isTrusted;

  /** The global predicate we last installed; guarded by the class lock. */
  private static ClassSecurityPredicate installed;

  private TrustedAvroClasses() {}

  /** Trusts the record class and every named type its reader schema reaches. */
  static void trustReaderTypes(Class<?> recordClass, Schema readerSchema) {
    Set<String> names = new HashSet<>();
    names.add(recordClass.getName());
    collectNamedTypes(readerSchema, names, new HashSet<>());
    CLASS_NAMES.addAll(names);
    install();
  }

  /** Trusts these packages and their subpackages. */
  static void trustPackages(Collection<String> packageNames) {
    for (String name : packageNames) {
      String trimmed = name.strip();
      if (!trimmed.isEmpty()) {
        PACKAGE_PREFIXES.add(trimmed.endsWith(".") ? trimmed : trimmed + ".");
      }
    }
    install();
  }

  private static boolean isTrusted(Class<?> type) {
    String name = type.getName();
    if (CLASS_NAMES.contains(name)) {
      return true;
    }
    for (String prefix : PACKAGE_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static synchronized void install() {
    ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
    if (current != installed) {
      installed = ClassSecurityValidator.composite(current, OURS);
      ClassSecurityValidator.setGlobal(installed);
    }
  }

  /** Adds the class names of record, enum and fixed types reachable from {@code schema}. */
  private static void collectNamedTypes(Schema schema, Set<String> classNames, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.add(schema.getFullName())) {
          classNames.add(SpecificData.getClassName(schema));
          schema.getFields().forEach(f -> collectNamedTypes(f.schema(), classNames, seen));
        }
      }
      case ENUM, FIXED -> {
        if (seen.add(schema.getFullName())) {
          classNames.add(SpecificData.getClassName(schema));
        }
      }
      case ARRAY -> collectNamedTypes(schema.getElementType(), classNames, seen);
      case MAP -> collectNamedTypes(schema.getValueType(), classNames, seen);
      case UNION -> schema.getTypes().forEach(t -> collectNamedTypes(t, classNames, seen));
      default -> { } // primitives name no class of their own
    }
  }
}
