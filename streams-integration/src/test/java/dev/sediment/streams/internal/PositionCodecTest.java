package dev.sediment.streams.internal;

import org.apache.kafka.streams.query.Position;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The position bytes stored with every commit point are a persisted format: the encoder writes exactly
 * what the grammar in {@link PositionCodec} says ({@code DataOutput} conventions, modified UTF-8 names),
 * and decoding gives the position back.
 */
class PositionCodecTest {
    /** The grammar written the plain way, with DataOutputStream: the reference the encoder must match. */
    private static byte[] reference(Position position) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(position.getTopics().size());
            for (String topic : position.getTopics()) {
                Map<Integer, Long> partitions = position.getPartitionPositions(topic);
                out.writeUTF(topic);
                out.writeInt(partitions.size());
                for (Map.Entry<Integer, Long> e : partitions.entrySet()) {
                    out.writeInt(e.getKey());
                    out.writeLong(e.getValue());
                }
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void emptyPosition() throws IOException {
        Position empty = Position.emptyPosition();
        assertArrayEquals(reference(empty), PositionCodec.encode(empty));
        assertEquals(empty, PositionCodec.decode(PositionCodec.encode(empty)));
        assertEquals(empty, PositionCodec.decode(new byte[0]));
    }

    @Test
    void randomPositionsMatchTheGrammarAndRoundTrip() throws IOException {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        Random random = new Random(seed);
        // ASCII, NUL (two bytes in modified UTF-8), two- and three-byte characters, a surrogate pair.
        String[] alphabet = {"a", "Z", "-", ".", "_", "\u0000", "\u00e9", "\u07ff", "\u0800", "\u20ac", "\ud83d\ude00"};
        for (int round = 0; round < 200; round++) {
            Position p = Position.emptyPosition();
            int topics = random.nextInt(4);
            for (int t = 0; t < topics; t++) {
                StringBuilder name = new StringBuilder();
                for (int i = random.nextInt(12); i >= 0; i--) {
                    name.append(alphabet[random.nextInt(alphabet.length)]);
                }
                for (int part = random.nextInt(5); part >= 0; part--) {
                    p.withComponent(name.toString(), random.nextInt(100), random.nextLong());
                }
            }
            byte[] encoded = PositionCodec.encode(p);
            assertArrayEquals(reference(p), encoded, "seed " + seed + ", position " + p);
            assertEquals(p, PositionCodec.decode(encoded), "seed " + seed + ", position " + p);
        }
    }
}
