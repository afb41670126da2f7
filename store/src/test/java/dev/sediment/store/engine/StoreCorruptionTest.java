package dev.sediment.store.engine;

import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged files at the store level: flipped, zeroed and truncated SSTable and manifest bytes, and a
 * missing table, are reported as {@link CorruptionException}s naming the file — never as wrong data.
 */
@Timeout(300)
class StoreCorruptionTest {
    private static final Path DIR = Path.of("/corrupt/store");

    private static StoreOptions options(MemFileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).blockSizeBytes(256).compression(Compression.NONE).build();
    }

    private static MemFileSystem populated() {
        MemFileSystem fs = new MemFileSystem();
        try (Store s = Store.open(DIR, options(fs))) {
            for (int i = 0; i < 400; i++) {
                s.put(key(i), ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        return fs;
    }

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static Path onlyTable(MemFileSystem fs) throws IOException {
        List<String> tables = fs.list(DIR).stream().filter(n -> FileNames.kind(n) == FileNames.Kind.TABLE).toList();
        assertEquals(1, tables.size(), tables.toString());
        return DIR.resolve(tables.get(0));
    }

    private static Path manifest(MemFileSystem fs) throws IOException {
        return DIR.resolve(fs.list(DIR).stream().filter(n -> FileNames.kind(n) == FileNames.Kind.MANIFEST).findFirst().orElseThrow());
    }

    /** Reads everything; returns normally only if every value is exactly what was written. */
    private static void readAll(MemFileSystem fs) {
        try (Store s = Store.open(DIR, options(fs))) {
            int i = 0;
            try (StoreIterator it = s.iterator(KeyRange.all(), false)) {
                for (; it.valid(); it.next(), i++) {
                    assertArrayEquals(key(i), it.key());
                    assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), it.value());
                }
            }
            assertEquals(400, i);
            for (int j = 0; j < 400; j += 7) {
                assertArrayEquals(("value-" + j).getBytes(StandardCharsets.UTF_8), s.get(key(j)));
            }
        }
    }

    private static void expectCorruptionNaming(Path file, Runnable r) {
        try {
            r.run();
        } catch (CorruptionException e) {
            assertEquals(file.getFileName(), e.file().getFileName(), e.getMessage());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            return;
        }
        fail("no CorruptionException for damaged " + file);
    }

    @Test
    void everyFlippedTableByteIsDetectedOrHarmless() throws IOException {
        Path table = onlyTable(populated());
        long size = populated().size(table);
        int detected = 0;
        for (long off = 0; off < size; off += Math.max(1, size / 200)) {
            MemFileSystem fs = populated();
            fs.corrupt(table, off, (byte) 0x40);
            try {
                readAll(fs);
            } catch (CorruptionException e) {
                assertEquals(table.getFileName(), e.file().getFileName(), e.getMessage());
                detected++;
            }
        }
        assertTrue(detected > 150, "only " + detected + " flips detected");
    }

    @Test
    void zeroedAndTruncatedTablesAreDetected() throws IOException {
        MemFileSystem fs = populated();
        Path table = onlyTable(fs);
        fs.zero(table, fs.size(table) / 3, 64);
        expectCorruptionNaming(table, () -> readAll(fs));

        MemFileSystem fs2 = populated();
        fs2.truncate(table, fs2.size(table) - 10);
        expectCorruptionNaming(table, () -> readAll(fs2));
    }

    @Test
    void aMissingTableIsNamed() throws IOException {
        MemFileSystem fs = populated();
        Path table = onlyTable(fs);
        fs.delete(table);
        expectCorruptionNaming(table, () -> Store.open(DIR, options(fs)).close());
    }

    @Test
    void aFlippedManifestByteIsDetected() throws IOException {
        MemFileSystem base = populated();
        Path manifest = manifest(base);
        long size = base.size(manifest);
        for (long off = 0; off < size; off++) {
            MemFileSystem fs = populated();
            fs.corrupt(manifest, off, (byte) 0x01);
            try {
                readAll(fs);
                fail("flipped manifest byte " + off + " of " + size + " went unnoticed");
            } catch (CorruptionException e) {
                assertEquals(manifest.getFileName(), e.file().getFileName(), e.getMessage());
            }
        }
    }

    @Test
    void aGarbledCurrentIsDetected() throws IOException {
        MemFileSystem fs = populated();
        Path current = FileNames.current(DIR);
        fs.zero(current, 0, (int) fs.size(current));
        StoreException e = assertThrows(StoreException.class, () -> Store.open(DIR, options(fs)));
        assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
    }
}
