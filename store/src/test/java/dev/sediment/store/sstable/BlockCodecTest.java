package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.ByteWriter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored block decodes the same from a heap array and from a direct buffer (the path a {@code pread} of a
 * block-cache miss takes), and on both every flipped bit is a {@link CorruptionException} naming the file and
 * offset: reading in place must not skip or weaken the checksum.
 */
class BlockCodecTest {
    private static final Path FILE = Path.of("/t/000007.sst");
    private static final long OFFSET = 4242;

    /** Half random, half one repeated byte (as the bench's values): every codec shrinks it by more than 1/8. */
    private static byte[] block(Random rnd, int len) {
        byte[] raw = new byte[len];
        for (int i = 0; i < len; i++) {
            raw[i] = (i / 50) % 2 == 0 ? (byte) rnd.nextInt() : 7;
        }
        return raw;
    }

    private static byte[] encode(Compression c, byte[] raw) {
        ByteWriter out = new ByteWriter();
        BlockCodec.create().encode(raw, 0, raw.length, c, 1, out);
        return out.toByteArray();
    }

    private static ByteBuffer direct(byte[] stored) {
        ByteBuffer b = ByteBuffer.allocateDirect(stored.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(stored);
        return b;
    }

    @Test
    void directAndHeapDecodeAgreeForEveryCompression() {
        Random rnd = new Random(11);
        for (Compression c : Compression.values()) {
            for (int len : new int[] {0, 1, 100, 4096, 70_000}) {
                byte[] raw = block(rnd, len);
                byte[] stored = encode(c, raw);
                BlockCodec codec = BlockCodec.create();
                assertArrayEquals(raw, codec.decode(FILE, OFFSET, stored.clone()), c + " heap, " + len + " bytes");
                assertArrayEquals(raw, codec.decode(FILE, OFFSET, direct(stored), stored.length),
                        c + " direct, " + len + " bytes");
                if (len >= 100 && codec.effective(c) != Compression.NONE) {
                    assertEquals(c.code(), stored[stored.length - BlockCodec.TRAILER_BYTES] & 0xFF, c + " was stored raw");
                }
            }
        }
    }

    @Test
    void everyFlippedBitIsCaughtOnTheDirectPath() {
        Random rnd = new Random(12);
        for (Compression c : Compression.values()) {
            byte[] stored = encode(c, block(rnd, 600));
            for (int i = 0; i < stored.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] damaged = stored.clone();
                    damaged[i] ^= (byte) (1 << bit);
                    String what = c + " flip of bit " + bit + " at " + i;
                    CorruptionException e = assertThrows(CorruptionException.class,
                            () -> BlockCodec.create().decode(FILE, OFFSET, direct(damaged), damaged.length), what);
                    assertEquals(FILE, e.file(), what);
                    assertTrue(e.getMessage().contains(String.valueOf(OFFSET)), what + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void aBlockShorterThanItsTrailerIsCorruption() {
        ByteBuffer b = direct(new byte[] {1, 2, 3});
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> BlockCodec.create().decode(FILE, OFFSET, b, 3));
        assertTrue(e.getMessage().contains("no trailer"), e.getMessage());
    }
}
