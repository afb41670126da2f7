package dev.sediment.streams.internal;

import dev.sediment.store.StoreFormatMismatchException;
import dev.sediment.streams.CapturingStateStoreContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A window store records whether it retains duplicates with its format: the keys of one that does carry
 * sequence numbers, which a store opened without duplicates would read as other windows. Reopening it the other
 * way is refused with the format mismatch's message; reopening it the same way works.
 */
class WindowStoreFormatTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("changelog", 0);

    @TempDir
    Path dir;

    private SedimentWindowStore open(boolean retainDuplicates) {
        SedimentWindowStore store = new SedimentWindowStore("joins", 1_000, 500, 100, retainDuplicates, false);
        CapturingStateStoreContext context = new CapturingStateStoreContext(dir.toFile(), new Properties());
        store.init(context, store);
        return store;
    }

    @Test
    void aDuplicatesStoreReopenedWithoutDuplicatesIsRefusedWithAClearMessage() {
        SedimentWindowStore store = open(true);
        store.put(Bytes.wrap(new byte[] {1}), new byte[] {7}, 10);
        store.put(Bytes.wrap(new byte[] {1}), new byte[] {8}, 10);
        store.commit(Map.of(CHANGELOG, 1L));
        store.close();

        ProcessorStateException e = assertThrows(ProcessorStateException.class, () -> open(false));
        assertInstanceOf(StoreFormatMismatchException.class, e.getCause());
        assertTrue(e.getMessage().contains("holds window-with-duplicates values but is opened as a window store"),
                e.getMessage());

        SedimentWindowStore again = open(true);
        try (var it = again.fetch(Bytes.wrap(new byte[] {1}), 0, 100)) {
            assertArrayEquals(new byte[] {7}, it.next().value);
            assertArrayEquals(new byte[] {8}, it.next().value);
        } finally {
            again.close();
        }
    }

    @Test
    void aStoreWithoutDuplicatesReopenedWithThemIsRefused() {
        SedimentWindowStore store = open(false);
        store.put(Bytes.wrap(new byte[] {1}), new byte[] {7}, 10);
        store.commit(Map.of(CHANGELOG, 0L));
        store.close();

        ProcessorStateException e = assertThrows(ProcessorStateException.class, () -> open(true));
        assertInstanceOf(StoreFormatMismatchException.class, e.getCause());
        assertTrue(e.getMessage().contains("holds window values but is opened as a window-with-duplicates store"),
                e.getMessage());
    }
}
