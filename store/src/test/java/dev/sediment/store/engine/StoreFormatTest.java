package dev.sediment.store.engine;

import dev.sediment.store.StoreFormatMismatchException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The value format recorded in the manifest ({@link StoreOptions#format()}, FORMAT.md tag 10). */
@Timeout(60)
class StoreFormatTest {
    private static final Path DIR = Path.of("/format/store");

    private static StoreOptions options(MemFileSystem fs, String format) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(64 << 10).build().withFormat(format);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void formatIsRecordedAtCreationAndAnotherOneIsRefusedWithBothNamed() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(fs, "timestamped"))) {
            e.put(b("k"), b("v"));
        }
        StoreFormatMismatchException x = assertThrows(StoreFormatMismatchException.class,
                () -> Engine.open(DIR, options(fs, "plain")));
        assertEquals("timestamped", x.recorded());
        assertEquals("plain", x.requested());
        assertTrue(x.getMessage().contains(DIR.toString()) && x.getMessage().contains("'timestamped'")
                && x.getMessage().contains("'plain'"), x.getMessage());
        // The refused open left the store usable: same format, or no format named, opens it.
        try (Engine e = Engine.open(DIR, options(fs, "timestamped"))) {
            assertArrayEquals(b("v"), e.get(b("k")));
        }
        try (Engine e = Engine.open(DIR, options(fs, ""))) {
            assertArrayEquals(b("v"), e.get(b("k")));
        }
        assertThrows(StoreFormatMismatchException.class, () -> Engine.open(DIR, options(fs, "plain")));
    }

    @Test
    void anUntaggedStoreRecordsTheFirstFormatItIsOpenedWith() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(fs, ""))) {
            e.put(b("k"), b("v"));
        }
        try (Engine e = Engine.open(DIR, options(fs, "plain"))) {
            assertArrayEquals(b("v"), e.get(b("k")));
        }
        assertThrows(StoreFormatMismatchException.class, () -> Engine.open(DIR, options(fs, "timestamped")));
    }

    @Test
    void formatSurvivesManifestRotationsAndACrash() {
        MemFileSystem fs = new MemFileSystem();
        StoreOptions small = options(fs, "plain").toBuilder().maxManifestBytes(256).build();
        try (Engine e = Engine.open(DIR, small)) {
            for (int i = 0; i < 200; i++) {
                e.put(b("k" + i), b("v" + i));
                e.commit(java.util.Map.of("t-0", (long) i));
            }
        }
        // Every reopen rotates the manifest (a fresh snapshot); the crash drops whatever was not synced.
        try (Engine e = Engine.open(DIR, small)) {
            e.put(b("x"), b("y"));
        }
        MemFileSystem crashed = fs.crashClone();
        assertThrows(StoreFormatMismatchException.class, () -> Engine.open(DIR, options(crashed, "timestamped")));
        try (Engine e = Engine.open(DIR, options(crashed, "plain"))) {
            assertArrayEquals(b("v0"), e.get(b("k0")));
        }
    }
}
