package dev.sediment.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package layering of store/ARCHITECTURE.md, checked on the sources of every module:
 * <ul>
 *   <li>the mechanism packages ({@code sstable}, {@code manifest}, {@code compaction}, {@code memtable},
 *       {@code iterator}, and below them {@code revision}, {@code key}, {@code encoding}, {@code fs}) never
 *       refer to {@code engine};</li>
 *   <li>the API package {@code dev.sediment.store} refers to no internal package, except {@code fs} (a
 *       file system is plugged in through the options) and the one composition root, {@code Store.open},
 *       which creates the {@code engine.Engine};</li>
 *   <li>{@code streams-integration} uses only the API package and {@code fs}, and Kafka Streams' internal
 *       classes only in {@code KafkaInternals}, so a Kafka upgrade touches one file.</li>
 * </ul>
 */
class LayeringTest {
    private static final String API = "dev.sediment.store";
    private static final Set<String> BELOW_ENGINE = Set.of("sstable", "manifest", "compaction", "memtable",
            "iterator", "revision", "key", "encoding", "fs");
    /** The one reference from the API package into the engine: Store.open has to create one. */
    private static final String COMPOSITION_ROOT = "dev.sediment.store.engine.Engine";

    /** A rule: references from packages matching {@code from} to packages matching {@code forbidden} are violations. */
    record Rule(String name, Predicate<ImportScan.Reference> from, Predicate<ImportScan.Reference> forbidden) {
        List<ImportScan.Reference> violations(List<ImportScan.Reference> refs) {
            return refs.stream().filter(from).filter(forbidden).toList();
        }
    }

    private static boolean isInternal(String pkg) {
        return pkg.startsWith(API + ".") && !pkg.equals(API + ".fs") && !pkg.startsWith(API + ".fs.");
    }

    static final List<Rule> RULES = List.of(
            new Rule("mechanism packages do not use the engine",
                    r -> BELOW_ENGINE.stream().anyMatch(p -> r.fromPackage().equals(API + "." + p)),
                    r -> r.targetPackage().startsWith(API + ".engine")),
            new Rule("the API package uses no internal package",
                    r -> r.fromPackage().equals(API),
                    r -> isInternal(r.targetPackage()) && !r.target().equals(COMPOSITION_ROOT)),
            new Rule("streams-integration uses only the API package and fs",
                    r -> r.fromPackage().startsWith("dev.sediment.streams"),
                    r -> isInternal(r.targetPackage())),
            new Rule("Kafka internals only behind KafkaInternals",
                    r -> r.fromPackage().startsWith("dev.sediment.streams") && !r.file().endsWith("KafkaInternals.java"),
                    r -> r.targetPackage().startsWith("org.apache.kafka") && r.targetPackage().contains(".internals")));

    private static List<ImportScan.Reference> check(List<ImportScan.Reference> refs) {
        return RULES.stream().flatMap(rule -> rule.violations(refs).stream()).toList();
    }

    @Test
    void theSourceTreeKeepsItsLayers() {
        Path store = Path.of("src/main/java");
        Path streams = Path.of("../streams-integration/src/main/java");
        assertTrue(Files.isDirectory(store) && Files.isDirectory(streams),
                "run from the store module directory; missing " + store.toAbsolutePath() + " or " + streams.toAbsolutePath());
        List<ImportScan.Reference> refs = new java.util.ArrayList<>(ImportScan.scanTree(store));
        refs.addAll(ImportScan.scanTree(streams));
        assertTrue(refs.size() > 100, "the scan found too little to be checking anything: " + refs.size());
        List<ImportScan.Reference> violations = check(refs);
        assertEquals(List.of(), violations, "layering violations");
    }

    @Test
    void theScannerFlagsAForbiddenImportInASyntheticSource() {
        String sstable = """
                package dev.sediment.store.sstable;

                import dev.sediment.store.Compression;
                import dev.sediment.store.engine.Engine;

                final class Bad {
                }
                """;
        List<ImportScan.Reference> violations = check(ImportScan.scan("Bad.java", sstable));
        assertEquals(1, violations.size(), violations.toString());
        assertEquals("dev.sediment.store.engine.Engine", violations.get(0).target());
        assertEquals(4, violations.get(0).line());
    }

    @Test
    void theScannerFlagsFullyQualifiedUseButNotCommentsOrStrings() {
        String api = """
                package dev.sediment.store;

                /** See {@link dev.sediment.store.engine.TableCache}. */
                public final class Leaky {
                    // dev.sediment.store.memtable.MemTable in a comment is fine
                    String s = "dev.sediment.store.sstable.TableReader";
                    Object o = new dev.sediment.store.memtable.MemTable();
                    Object e = dev.sediment.store.engine.Engine.class; // the composition root is allowed
                    Object f = dev.sediment.store.fs.MemFileSystem.class; // fs is part of the API
                }
                """;
        List<ImportScan.Reference> violations = check(ImportScan.scan("Leaky.java", api));
        assertEquals(1, violations.size(), violations.toString());
        assertEquals("dev.sediment.store.memtable.MemTable", violations.get(0).target());
        assertEquals(7, violations.get(0).line());
    }

    @Test
    void theScannerFlagsStreamsIntegrationReachingIntoTheEngine() {
        String streams = """
                package dev.sediment.streams.internal;

                import dev.sediment.store.Store;
                import dev.sediment.store.fs.FileSystem;
                import dev.sediment.store.manifest.*;
                import static dev.sediment.store.key.InternalKeys.trailer;
                import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
                import org.apache.kafka.streams.state.KeyValueStore;
                """;
        List<ImportScan.Reference> violations = check(ImportScan.scan("S.java", streams));
        assertEquals(List.of("dev.sediment.store.manifest.*", "dev.sediment.store.key.InternalKeys",
                        "org.apache.kafka.streams.processor.internals.ProcessorContextUtils"),
                violations.stream().map(ImportScan.Reference::target).toList());
        assertFalse(violations.stream().anyMatch(v -> v.target().contains(".fs.")));
    }
}
