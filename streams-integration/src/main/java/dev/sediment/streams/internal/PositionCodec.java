package dev.sediment.streams.internal;

import org.apache.kafka.streams.query.Position;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The IQ {@link Position} as bytes, stored with each commit point.
 *
 * <pre>
 * position  := version:u8(=1) topicCount:i32 topic*
 * topic     := name:modified-UTF-8 (DataOutput.writeUTF) partitionCount:i32 (partition:i32 offset:i64)*
 * </pre>
 * An empty array (a store never committed with a position) is the empty position. The version code never changes.
 */
final class PositionCodec {
    private static final byte VERSION = 1;

    private PositionCodec() {
    }

    static byte[] encode(Position position) {
        // Sized first and written into one array: a commit encodes the position each time.
        Set<String> topics = position.getTopics();
        int size = 1 + 4;
        for (String topic : topics) {
            size += 2 + modifiedUtf8Length(topic) + 4 + 12 * position.getPartitionPositions(topic).size();
        }
        ByteBuffer out = ByteBuffer.allocate(size); // big-endian, as DataOutput writes
        out.put(VERSION).putInt(topics.size());
        for (String topic : topics) {
            Map<Integer, Long> partitions = position.getPartitionPositions(topic);
            putModifiedUtf8(out, topic);
            out.putInt(partitions.size());
            for (Map.Entry<Integer, Long> e : partitions.entrySet()) {
                out.putInt(e.getKey()).putLong(e.getValue());
            }
        }
        if (out.hasRemaining()) { // the position changed under us: a caller must hold its lock
            throw new IllegalStateException("position changed while it was encoded");
        }
        return out.array();
    }

    /** The bytes {@link java.io.DataOutput#writeUTF} writes for {@code s} after its length. */
    private static int modifiedUtf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (n > 0xFFFF) {
            throw new IllegalArgumentException("topic name too long for the position format: " + n + " bytes");
        }
        return n;
    }

    /** As {@link java.io.DataOutput#writeUTF}: an unsigned 16-bit length, then modified UTF-8. */
    private static void putModifiedUtf8(ByteBuffer out, String s) {
        out.putShort((short) modifiedUtf8Length(s));
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                out.put((byte) c);
            } else if (c <= 0x07FF) {
                out.put((byte) (0xC0 | (c >> 6) & 0x1F)).put((byte) (0x80 | c & 0x3F));
            } else {
                out.put((byte) (0xE0 | (c >> 12) & 0x0F)).put((byte) (0x80 | (c >> 6) & 0x3F)).put((byte) (0x80 | c & 0x3F));
            }
        }
    }

    static Position decode(byte[] bytes) {
        if (bytes.length == 0) {
            return Position.emptyPosition();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown position format version " + version);
            }
            int topics = in.readInt();
            Map<String, Map<Integer, Long>> map = new HashMap<>();
            for (int t = 0; t < topics; t++) {
                String topic = in.readUTF();
                int n = in.readInt();
                Map<Integer, Long> partitions = new HashMap<>();
                for (int p = 0; p < n; p++) {
                    partitions.put(in.readInt(), in.readLong());
                }
                map.put(topic, partitions);
            }
            return Position.fromMap(map);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt position bytes", e);
        }
    }
}
