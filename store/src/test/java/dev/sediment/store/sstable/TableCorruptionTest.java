package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static dev.sediment.store.sstable.TestTables.Key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged files: flipped bytes in every region, zeroed ranges, truncations. Opening or scanning
 * must throw a {@link CorruptionException} naming the file, and must never return different data.
 */
class TableCorruptionTest {
    @TempDir
    Path dir;

    private Path original;
    private byte[] originalBytes;
    private List<TestTables.Entry> originalScan;
    private int detected;
    private int undetected;

    private void writeTable(Compression compression, int entries) throws Exception {
        TreeMap<Key, byte[]> model = TestTables.newModel();
        for (int i = 0; i < entries; i++) {
            byte[] value = ("value-" + i + "-" + "x".repeat(i % 20)).getBytes();
            model.put(new Key(("key-" + (i / 3)).getBytes(),
                    InternalKeys.trailer(1000 - i % 3, i % 7 == 0 ? KeyKind.DELETE : KeyKind.PUT)),
                    i % 7 == 0 ? new byte[0] : value);
        }
        original = dir.resolve("original.sst");
        TestTables.write(original, new TableOptions(256, 4, 10, compression, 1), BlockCodec.create(), model);
        originalBytes = Files.readAllBytes(original);
        try (TableReader r = TestTables.open(original, null); InternalIterator it = r.iterator()) {
            originalScan = TestTables.scanForward(it);
        }
    }

    /** Writes {@code damaged} as a table file and checks it fails loudly or reads as the original. */
    private void check(byte[] damaged, String what) throws Exception {
        Path path = dir.resolve("damaged.sst");
        Files.write(path, damaged);
        try (TableReader r = TestTables.open(path, null); InternalIterator it = r.iterator()) {
            List<TestTables.Entry> scan = TestTables.scanForward(it);
            assertEquals(originalScan.size(), scan.size(), what + ": undetected damage changed the entry count");
            for (int i = 0; i < scan.size(); i++) {
                assertEquals(0, TestTables.ORDER.compare(originalScan.get(i).key(), scan.get(i).key()),
                        what + ": undetected damage changed entry " + i);
                assertArrayEquals(originalScan.get(i).value(), scan.get(i).value(),
                        what + ": undetected damage changed value " + i);
            }
            undetected++;
        } catch (CorruptionException e) {
            assertEquals(path, e.file(), what + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
            detected++;
        }
    }

    @Test
    void everySingleByteFlipIsDetected() throws Exception {
        for (Compression c : Compression.values()) {
            writeTable(c, 60);
            for (int i = 0; i < originalBytes.length; i++) {
                byte[] damaged = originalBytes.clone();
                damaged[i] ^= (byte) (1 << (i % 8));
                check(damaged, c + " flip at " + i);
            }
            // Every byte is covered by a block CRC, the footer CRC, the version or the magic.
            assertEquals(0, undetected, c + ": undetected flips out of " + originalBytes.length);
        }
    }

    @Test
    void flipsInEachNamedRegionAreDetected() throws Exception {
        writeTable(Compression.ZSTD, 600);
        Footer f = Footer.decode(original, originalBytes.length,
                Arrays.copyOfRange(originalBytes, originalBytes.length - Footer.ENCODED_BYTES, originalBytes.length));
        assertTrue(f.hasFilter());
        long[] regions = {
                0, // first data block
                f.index().offset() + f.index().sizeBytes() / 2,
                f.filter().offset() + f.filter().sizeBytes() / 2,
                f.properties().offset() + 1,
                originalBytes.length - Footer.ENCODED_BYTES + 3,
                originalBytes.length - 10, // the version
                originalBytes.length - 1, // the magic
                f.index().offset() + f.index().sizeBytes(), // a trailer's type byte
        };
        for (long at : regions) {
            byte[] damaged = originalBytes.clone();
            damaged[(int) at] ^= 0x40;
            check(damaged, "flip at " + at);
        }
        assertEquals(regions.length, detected);
    }

    @Test
    void zeroedRangesAreDetected() throws Exception {
        writeTable(Compression.NONE, 600);
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            int from = rnd.nextInt(originalBytes.length);
            int to = Math.min(originalBytes.length, from + 1 + rnd.nextInt(64));
            byte[] damaged = originalBytes.clone();
            Arrays.fill(damaged, from, to, (byte) 0);
            check(damaged, "zeroed [" + from + ", " + to + ")");
        }
    }

    @Test
    void truncationsAreDetected() throws Exception {
        writeTable(Compression.ZSTD, 600);
        int[] lengths = {0, 1, 63, 64, 65, originalBytes.length / 2, originalBytes.length - 65,
                originalBytes.length - 64, originalBytes.length - 1};
        for (int len : lengths) {
            check(Arrays.copyOf(originalBytes, len), "truncated to " + len);
        }
        assertEquals(lengths.length, detected);
        // Bytes appended after the footer are detected too: the footer is no longer at the end.
        check(Arrays.copyOf(originalBytes, originalBytes.length + 100), "extended by 100");
        assertEquals(lengths.length + 1, detected);
    }

    @Test
    void unknownFormatVersionIsRefusedByNumber() throws Exception {
        writeTable(Compression.NONE, 10);
        byte[] damaged = originalBytes.clone();
        LittleEndian.putInt(damaged, damaged.length - 12, 7);
        Path path = dir.resolve("v7.sst");
        Files.write(path, damaged);
        CorruptionException e = assertThrows(CorruptionException.class, () -> TestTables.open(path, null));
        assertTrue(e.getMessage().contains("unsupported format version 7"), e.getMessage());
        assertEquals(path, e.file());
        assertEquals(damaged.length - Footer.ENCODED_BYTES, e.offset());
    }
}
