package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import dev.sediment.streams.internal.SedimentTimestampedKeyValueStore;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store-level effects of the settings and of the recorded value format. */
class SedimentStoreSettingsTest {
    @TempDir
    Path tmp;

    private static Bytes k(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private CapturingStateStoreContext context(Object... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return new CapturingStateStoreContext(tmp.toFile(), p);
    }

    private static <S extends SedimentKeyValueStore> S init(S store, CapturingStateStoreContext ctx) {
        store.init(ctx, store);
        return store;
    }

    @Test
    void approximateNumEntriesCountsLiveKeys() {
        SedimentKeyValueStore store = init(new SedimentKeyValueStore("store"), context());
        try {
            for (int i = 0; i < 10; i++) {
                store.put(k("k" + i % 3), new byte[] {(byte) i});
            }
            store.delete(k("k0"));
            store.delete(k("k1"));
            assertEquals(1, store.approximateNumEntries());
        } finally {
            store.close();
        }
    }

    @Test
    void maxValueBytesIsASetting() {
        SedimentKeyValueStore store = init(new SedimentKeyValueStore("store"),
                context(SedimentConfig.MAX_VALUE_BYTES, "100"));
        try {
            store.put(k("ok"), new byte[100]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put(k("big"), new byte[101]));
            assertTrue(e.getMessage().contains("100"), e.getMessage());
        } finally {
            store.close();
        }
    }

    @Test
    void lz4CompressedStoreReopensWithItsData() {
        CapturingStateStoreContext ctx = context(SedimentConfig.COMPRESSION, "lz4");
        SedimentKeyValueStore store = init(new SedimentKeyValueStore("store"), ctx);
        byte[] value = "a value that compresses, a value that compresses".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5000; i++) {
            store.put(k(String.format("key-%05d", i)), value);
        }
        store.close();
        SedimentKeyValueStore again = init(new SedimentKeyValueStore("store"), ctx);
        try {
            assertArrayEquals(value, again.get(k("key-04999")));
            assertEquals(5000, again.approximateNumEntries());
        } finally {
            again.close();
        }
    }

    @Test
    void aStoreOpenedAsTheOtherFormatFailsSayingWhatToDo() {
        CapturingStateStoreContext ctx = context();
        SedimentTimestampedKeyValueStore timestamped = init(new SedimentTimestampedKeyValueStore("store"), ctx);
        timestamped.put(k("a"), new byte[12]);
        timestamped.close();

        ProcessorStateException e = assertThrows(ProcessorStateException.class,
                () -> init(new SedimentKeyValueStore("store"), ctx));
        String m = e.getMessage();
        assertTrue(m.contains("holds timestamped values but is opened as a plain store")
                && m.contains("SedimentStores.timestampedKeyValueStore(\"store\")")
                && m.contains("delete " + tmp.resolve("store")), m);

        // The refused open changed nothing: the right kind still opens it.
        SedimentTimestampedKeyValueStore again = init(new SedimentTimestampedKeyValueStore("store"), ctx);
        try {
            assertArrayEquals(new byte[12], again.get(k("a")));
        } finally {
            again.close();
        }
    }
}
