package dev.sediment.streams;

import dev.sediment.store.Compression;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.LogCaptureAppender;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory budget against the heap, unknown keys, and the settings new in this version. */
class SedimentConfigTest {
    private static final long MIB = 1L << 20;

    @Test
    void defaultBudgetIsAQuarterOfTheHeapCappedAt256MiB() {
        assertEquals(24 * MIB, new SedimentConfig(Map.of(), 96 * MIB).memoryBytes(), "-Xmx96m");
        assertEquals(128 * MIB, new SedimentConfig(Map.of(), 512 * MIB).memoryBytes(), "-Xmx512m");
        assertEquals(256 * MIB, new SedimentConfig(Map.of(), 1024 * MIB).memoryBytes(), "-Xmx1g: the cap");
        assertEquals(256 * MIB, new SedimentConfig(Map.of(), 16L * 1024 * MIB).memoryBytes(), "-Xmx16g: the cap");
        assertEquals(256 * MIB, new SedimentConfig(Map.of(), Long.MAX_VALUE).memoryBytes(), "no heap limit");
        assertEquals(1 * MIB, new SedimentConfig(Map.of(), 2 * MIB).memoryBytes(), "never below 1 MiB");
        // The shares follow the budget.
        SedimentConfig c = new SedimentConfig(Map.of(), 96 * MIB);
        assertEquals(12 * MIB, c.blockCacheBytes());
        assertEquals(12 * MIB, c.memtableBudgetBytes());
        // The running JVM's heap is what the public constructor uses.
        long heap = Runtime.getRuntime().maxMemory();
        assertEquals(Math.min(256 * MIB, Math.max(MIB, heap / 4)), new SedimentConfig(Map.of()).memoryBytes());
    }

    @Test
    void anExplicitBudgetOverHalfTheHeapFailsSayingWhatToRaise() {
        Map<String, Object> props = Map.of(SedimentConfig.MEMORY_BYTES, 256 * MIB);
        ConfigException e = assertThrows(ConfigException.class, () -> new SedimentConfig(props, 96 * MIB));
        String m = e.getMessage();
        assertTrue(m.contains(SedimentConfig.MEMORY_BYTES) && m.contains("-Xmx") && m.contains(String.valueOf(512 * MIB))
                && m.contains(String.valueOf(48 * MIB)), m);
        // Half of the heap is allowed, and so is anything with a large enough heap.
        assertEquals(48 * MIB, new SedimentConfig(Map.of(SedimentConfig.MEMORY_BYTES, 48 * MIB), 96 * MIB).memoryBytes());
        assertEquals(256 * MIB, new SedimentConfig(props, 512 * MIB).memoryBytes());
        // The DSL suppliers check it when Kafka Streams configures them, before any store opens.
        long tooMuch = Runtime.getRuntime().maxMemory();
        assertThrows(ConfigException.class, () -> new SedimentDslStoreSuppliers().configure(
                Map.of(SedimentConfig.MEMORY_BYTES, tooMuch)));
    }

    @Test
    void unknownSedimentKeysAreWarnedOnceWithTheNearestKnownKey() {
        try (LogCaptureAppender logs = LogCaptureAppender.createAndRegister(SedimentConfig.class)) {
            Map<String, Object> props = Map.of("sediment.memtable.byte", "1048576", "sediment.compresion", "lz4",
                    "application.id", "app", "other.memory.bytes", "1");
            new SedimentConfig(props, 1024 * MIB);
            new SedimentConfig(props, 1024 * MIB); // a second store with the same properties: no second line
            long warnings = logs.getEvents().stream().filter(ev -> ev.getLevel().equals("WARN")).count();
            assertEquals(2, warnings, logs.getMessages().toString());
            assertTrue(logs.getMessages().contains(
                    "unknown Sediment setting sediment.memtable.byte is ignored; did you mean sediment.memtable.bytes?"),
                    logs.getMessages().toString());
            assertTrue(logs.getMessages().contains(
                    "unknown Sediment setting sediment.compresion is ignored; did you mean sediment.compression?"),
                    logs.getMessages().toString());
        }
    }

    @Test
    void editDistanceAndNearestKey() {
        assertEquals(0, SedimentConfig.editDistance("abc", "abc"));
        assertEquals(1, SedimentConfig.editDistance("abc", "abd"));
        assertEquals(1, SedimentConfig.editDistance("abc", "ab"));
        assertEquals(3, SedimentConfig.editDistance("", "abc"));
        assertEquals(3, SedimentConfig.editDistance("kitten", "sitting"));
        assertEquals(SedimentConfig.MAX_VALUE_BYTES, SedimentConfig.nearestKnownKey("sediment.max.value.byte"));
        assertEquals(SedimentConfig.MEMORY_BYTES, SedimentConfig.nearestKnownKey("sediment.memory"));
    }

    @Test
    void compressionAndMaxValueSettings() {
        assertEquals(Compression.ZSTD, new SedimentConfig(Map.of(), MIB * 1024).compression());
        assertEquals(Compression.LZ4, new SedimentConfig(Map.of(SedimentConfig.COMPRESSION, "lz4"), MIB * 1024).compression());
        assertEquals(Compression.NONE, new SedimentConfig(Map.of(SedimentConfig.COMPRESSION, "none"), MIB * 1024).compression());
        assertThrows(ConfigException.class, () -> new SedimentConfig(Map.of(SedimentConfig.COMPRESSION, "snappy"), MIB * 1024));
        assertEquals(64 << 20, new SedimentConfig(Map.of(), MIB * 1024).getInt(SedimentConfig.MAX_VALUE_BYTES));
        assertEquals(1000, new SedimentConfig(Map.of(SedimentConfig.MAX_VALUE_BYTES, "1000"), MIB * 1024)
                .getInt(SedimentConfig.MAX_VALUE_BYTES));
        assertThrows(ConfigException.class, () -> new SedimentConfig(Map.of(SedimentConfig.MAX_VALUE_BYTES, "0"), MIB * 1024));
    }
}
