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

    @Test
    void commitFormatChangesTheFormatAtACommitPointKeepingItsOffsets() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(fs, "old"))) {
            e.put(b("k"), b("v"));
            e.commit(java.util.Map.of("t-0", 7L), b("pos"));
            e.put(b("k"), b("new-v"));
            e.commitFormat("new");
            assertEquals(java.util.Map.of("t-0", 7L), e.committedOffsets());
            assertArrayEquals(b("pos"), e.committedPosition());
        }
        assertThrows(StoreFormatMismatchException.class, () -> Engine.open(DIR, options(fs, "old")));
        try (Engine e = Engine.open(DIR, options(fs, "new"))) {
            assertArrayEquals(b("new-v"), e.get(b("k")));
            assertEquals(java.util.Map.of("t-0", 7L), e.committedOffsets());
        }
    }

    /**
     * A crash at every file operation of a rewrite and its format change: the store opens either in the old format
     * at the old commit point with the old values, or in the new format with the rewritten ones, never mixed.
     */
    @Test
    void aCrashAnywhereInARewriteLeavesTheOldFormatWithOldValuesOrTheNewWithNewValues() {
        MemFileSystem base = new MemFileSystem();
        try (Engine e = Engine.open(DIR, options(base, "old"))) {
            for (int i = 0; i < 300; i++) {
                e.put(b("k" + i), b("old" + i));
            }
            e.commit(java.util.Map.of("t-0", 299L));
        }
        int sawOld = 0;
        int sawNew = 0;
        for (long crashAt = 0; ; crashAt++) {
            MemFileSystem fs = base.crashClone();
            fs.crashAfterOperations(fs.operationCount() + crashAt);
            boolean finished = false;
            try (Engine e = Engine.open(DIR, options(fs, "old"))) {
                for (int i = 0; i < 300; i++) {
                    e.put(b("k" + i), b("new" + i));
                }
                e.commitFormat("new");
                e.put(b("after"), b("uncommitted")); // a crash here must leave the new format
                e.flush();
                finished = true;
            } catch (RuntimeException expected) {
                assertTrue(fs.isCrashed(), expected.toString());
            }
            if (finished && !fs.isCrashed()) {
                break;
            }
            MemFileSystem after = fs.isCrashed() ? fs.crashedState() : fs.crashClone();
            String format;
            try (Engine e = Engine.open(DIR, options(after, ""))) {
                format = e.currentVersion().format();
            }
            String prefix = format.equals("old") ? "old" : "new";
            assertTrue(format.equals("old") || format.equals("new"), format);
            try (Engine e = Engine.open(DIR, options(after, format))) {
                for (int i = 0; i < 300; i++) {
                    assertArrayEquals(b(prefix + i), e.get(b("k" + i)), "crash at op " + crashAt + ", key " + i);
                }
                assertEquals(java.util.Map.of("t-0", 299L), e.committedOffsets());
            }
            if (format.equals("old")) {
                sawOld++;
            } else {
                sawNew++;
            }
        }
        assertTrue(sawOld > 0 && sawNew > 0, "crashes before and after the change: " + sawOld + " / " + sawNew);
    }
}
