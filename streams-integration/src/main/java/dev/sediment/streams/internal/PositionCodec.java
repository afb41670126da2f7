package dev.sediment.streams.internal;

import org.apache.kafka.streams.query.Position;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
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
