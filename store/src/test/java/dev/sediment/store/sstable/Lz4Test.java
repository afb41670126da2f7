package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sediment's own LZ4 block codec: round trips of many shapes, a block written by hand, malformed input. */
class Lz4Test {
    private static byte[] roundTrip(byte[] raw, String context) {
        byte[] compressed = new byte[Lz4.maxCompressedLength(raw.length)];
        int n = Lz4.compress(raw, 0, raw.length, compressed, 0);
        assertTrue(n <= Lz4.maxCompressedLength(raw.length), context);
        byte[] back = new byte[raw.length];
        Lz4.decompress(compressed, 0, n, back, 0, raw.length);
        assertArrayEquals(raw, back, context);
        // The same at offsets inside larger arrays: lengths and positions are relative to them.
        byte[] src = new byte[raw.length + 10];
        System.arraycopy(raw, 0, src, 7, raw.length);
        byte[] dst = new byte[n + 20];
        assertEquals(n, Lz4.compress(src, 7, raw.length, dst, 5), context);
        assertArrayEquals(Arrays.copyOf(compressed, n), Arrays.copyOfRange(dst, 5, 5 + n), context);
        byte[] out = new byte[raw.length + 3];
        Lz4.decompress(dst, 5, n, out, 3, raw.length);
        assertArrayEquals(raw, Arrays.copyOfRange(out, 3, 3 + raw.length), context);
        return Arrays.copyOf(compressed, n);
    }

    /** Inputs of one of several shapes: random, runs, repeats at many distances, text-like, mixed. */
    private static byte[] input(Random rnd) {
        int len = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(20);
            case 1 -> rnd.nextInt(300);
            case 2 -> rnd.nextInt(5000);
            default -> rnd.nextInt(150_000);
        };
        byte[] b = new byte[len];
        int shape = rnd.nextInt(5);
        int i = 0;
        while (i < len) {
            int run = 1 + rnd.nextInt(shape == 4 ? 600 : 40);
            switch (shape == 4 ? rnd.nextInt(4) : shape) {
                case 0 -> { // random
                    for (int j = 0; j < run && i < len; j++) {
                        b[i++] = (byte) rnd.nextInt();
                    }
                }
                case 1 -> { // one byte repeated (overlapping matches, long match lengths)
                    byte v = (byte) rnd.nextInt(3);
                    for (int j = 0; j < run * 20 && i < len; j++) {
                        b[i++] = v;
                    }
                }
                case 2 -> { // a copy of earlier bytes, up to 70,000 back (past the 64 KiB window too)
                    if (i == 0) {
                        b[i++] = (byte) rnd.nextInt();
                    } else {
                        int from = Math.max(0, i - 1 - rnd.nextInt(Math.min(i, 70_000)));
                        for (int j = 0; j < run && i < len; j++) {
                            b[i++] = b[from + j];
                        }
                    }
                }
                default -> { // a small alphabet, like keys and text
                    for (int j = 0; j < run && i < len; j++) {
                        b[i++] = (byte) ('a' + rnd.nextInt(4));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void randomInputsRoundTrip() {
        long seed = Seeds.seed("Lz4Test.randomInputsRoundTrip");
        Random rnd = new Random(seed);
        int rounds = 400 * Integer.getInteger("tests.multiplier", 1);
        for (int r = 0; r < rounds; r++) {
            byte[] raw = input(rnd);
            roundTrip(raw, "seed " + seed + " round " + r + " length " + raw.length);
        }
    }

    @Test
    void edgeLengthsRoundTrip() {
        for (int len = 0; len < 300; len++) {
            byte[] zeros = new byte[len];
            roundTrip(zeros, "zeros " + len);
            byte[] counting = new byte[len];
            for (int i = 0; i < len; i++) {
                counting[i] = (byte) i;
            }
            roundTrip(counting, "counting " + len);
        }
        // Literal and match lengths that need extension bytes of exactly 255 and 0.
        for (int len : new int[] {15, 16, 15 + 255, 15 + 255 + 1, 19 + 255, 19 + 510, 100_000}) {
            byte[] b = new byte[len + 40];
            new Random(len).nextBytes(b);
            Arrays.fill(b, 20, 20 + len, (byte) 7);
            roundTrip(b, "run " + len);
        }
    }

    @Test
    void compressesRepetitiveInputAndOffsetsStayInTheWindow() {
        byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(2000).getBytes(StandardCharsets.US_ASCII);
        assertTrue(roundTrip(text, "text").length < text.length / 10);
        byte[] zeros = new byte[1 << 20];
        assertTrue(roundTrip(zeros, "zeros").length < 5000);
    }

    @Test
    void readsABlockWrittenByHandFromTheFormatSpecification() {
        // "abc", then a match 3 back of 12 bytes (token 0x38), then the last literals "xyzxy" (token 0x50).
        byte[] block = {0x38, 'a', 'b', 'c', 3, 0, 0x50, 'x', 'y', 'z', 'x', 'y'};
        byte[] out = new byte[20];
        Lz4.decompress(block, 0, block.length, out, 0, 20);
        assertEquals("abcabcabcabcabcxyzxy", new String(out, StandardCharsets.US_ASCII));
        // A 15-literal run needs one extension byte 0: token 0xF0, 0x00, then the 15 literals.
        byte[] fifteen = new byte[17];
        fifteen[0] = (byte) 0xF0;
        for (int i = 0; i < 15; i++) {
            fifteen[2 + i] = (byte) ('A' + i);
        }
        byte[] out15 = new byte[15];
        Lz4.decompress(fifteen, 0, fifteen.length, out15, 0, 15);
        assertEquals("ABCDEFGHIJKLMNO", new String(out15, StandardCharsets.US_ASCII));
    }

    @Test
    void malformedBlocksThrowMalformedDataNeverOutOfBounds() {
        byte[] out = new byte[64];
        // An offset pointing before the output, a zero offset, a match past the end, a cut-off offset,
        // a literal run past the input, a length extension that never ends, an empty block.
        byte[][] bad = {
                {0x10, 'a', 5, 0, 0x00},
                {0x10, 'a', 0, 0},
                {0x1F, 'a', 1, 0, (byte) 255, (byte) 255, 10},
                {0x10, 'a', 1},
                {0x50, 'a', 'b'},
                {(byte) 0xF0, (byte) 255, (byte) 255},
                {},
        };
        for (byte[] b : bad) {
            assertThrows(MalformedDataException.class, () -> Lz4.decompress(b, 0, b.length, out, 0, out.length),
                    Arrays.toString(b));
        }
        // A valid block with the wrong expected length.
        byte[] good = {0x38, 'a', 'b', 'c', 3, 0, 0x50, 'x', 'y', 'z', 'x', 'y'};
        assertThrows(MalformedDataException.class, () -> Lz4.decompress(good, 0, good.length, new byte[21], 0, 21));
        assertThrows(MalformedDataException.class, () -> Lz4.decompress(good, 0, good.length, new byte[19], 0, 19));
    }

    @Test
    void mutatedBlocksEitherDecodeToTheRightLengthOrThrowMalformedData() {
        long seed = Seeds.seed("Lz4Test.mutatedBlocks");
        Random rnd = new Random(seed);
        for (int r = 0; r < 3000; r++) {
            byte[] raw = input(rnd);
            if (raw.length == 0) {
                continue;
            }
            byte[] block = roundTrip(raw, "seed " + seed);
            byte[] mutated = block.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt();
            }
            int len = rnd.nextInt(4) == 0 ? rnd.nextInt(mutated.length + 1) : mutated.length; // sometimes truncated
            byte[] out = new byte[raw.length];
            try {
                Lz4.decompress(mutated, 0, len, out, 0, out.length);
            } catch (MalformedDataException expected) {
                // the only exception allowed
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + " round " + r + ": " + e, e);
            }
        }
    }

    @Test
    void blockCodecStoresLz4BlocksAndReportsABadOneAsCorruption() {
        BlockCodec codec = new BlockCodec(false);
        byte[] raw = "key-00001 value value value value ".repeat(100).getBytes(StandardCharsets.US_ASCII);
        ByteWriter out = new ByteWriter();
        int size = codec.encode(raw, 0, raw.length, Compression.LZ4, 1, out);
        byte[] stored = out.toByteArray();
        assertEquals(Compression.LZ4.code(), stored[size]);
        assertTrue(size < raw.length / 4);
        Path path = Path.of("/t/000007.sst");
        assertArrayEquals(raw, codec.decode(path, 0, stored));

        // Damage the payload and fix the checksum, so only the LZ4 decoder can notice.
        byte[] damaged = stored.clone();
        damaged[size / 2] ^= 0x5A;
        damaged[size / 2 + 1] ^= 0x33;
        int crc = dev.sediment.store.encoding.Crc32c.mask(
                dev.sediment.store.encoding.Crc32c.compute(damaged, 0, size, damaged[size]));
        dev.sediment.store.encoding.LittleEndian.putInt(damaged, size + 1, crc);
        try {
            byte[] decoded = codec.decode(path, 0, damaged);
            assertEquals(raw.length, decoded.length); // a flip inside literals decodes, to other bytes
        } catch (CorruptionException e) {
            assertTrue(e.getMessage().contains("000007.sst") && e.getMessage().contains("lz4"), e.getMessage());
        }
        // A claimed length far beyond what LZ4 can expand to is corruption, not a giant allocation.
        ByteWriter huge = new ByteWriter();
        huge.writeVarint32(Integer.MAX_VALUE - 100).writeByte(0x00);
        byte[] payload = huge.toByteArray();
        byte[] block = Arrays.copyOf(payload, payload.length + BlockCodec.TRAILER_BYTES);
        block[payload.length] = (byte) Compression.LZ4.code();
        dev.sediment.store.encoding.LittleEndian.putInt(block, payload.length + 1, dev.sediment.store.encoding.Crc32c.mask(
                dev.sediment.store.encoding.Crc32c.compute(block, 0, payload.length, block[payload.length])));
        assertThrows(CorruptionException.class, () -> codec.decode(path, 0, block));
    }
}
