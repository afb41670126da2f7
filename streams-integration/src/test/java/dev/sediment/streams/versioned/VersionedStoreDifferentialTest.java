package dev.sediment.streams.versioned;

import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.apache.kafka.test.InternalMockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our versioned store against Kafka's RocksDB versioned store, both driven directly at the
 * {@code VersionedBytesStore} layer with the same seeded operations: puts with out-of-order and expired
 * timestamps, tombstones, deletes, latest and as-of reads inside and outside the history retention, and
 * IQv2 {@code VersionedKeyQuery}s (validTo included). Ours is also committed, closed and reopened along
 * the way (Kafka's is not: it would forget its stream time), with a small memtable so that compaction,
 * and with it the expiry of old versions, runs throughout. Every answer must be equal, byte for byte.
 * {@code -Dtests.seed=N} replays a run; {@code -Dtests.multiplier=N} makes it longer.
 */
class VersionedStoreDifferentialTest {
    private static final long HISTORY_MS = 400;
    private static final long SEGMENT_MS = 100;
    private static final TopicPartition CHANGELOG = new TopicPartition("app-versioned-changelog", 0);

    @TempDir
    Path tmp;

    private CapturingStateStoreContext ourContext;
    private VersionedBytesStore ours;

    @Test
    void sameAnswersAsKafkasRocksDbVersionedStore() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("VersionedStoreDifferentialTest: -Dtests.seed=" + seed);
        Random random = new Random(seed);
        int operations = 100_000 * Integer.getInteger("tests.multiplier", 1);

        VersionedBytesStore kafka = (VersionedBytesStore) Stores.persistentVersionedKeyValueStore("kafka",
                Duration.ofMillis(HISTORY_MS), Duration.ofMillis(SEGMENT_MS)).get();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        File kafkaDir = tmp.resolve("kafka").toFile();
        InternalMockProcessorContext<Object, Object> kafkaContext = new InternalMockProcessorContext<>(kafkaDir,
                Serdes.Bytes(), Serdes.ByteArray(), new StreamsConfig(props));
        kafka.init(kafkaContext, kafka);

        Properties small = new Properties();
        small.put(SedimentConfig.MEMTABLE_BYTES, "262144"); // many flushes and compactions: expiry runs often
        ourContext = new CapturingStateStoreContext(tmp.resolve("ours").toFile(), small);
        open();

        Bytes[] keys = keys(random);
        long streamTime = 0;
        java.util.Map<Bytes, String> history = new java.util.HashMap<>();
        int reopens = 0;
        try {
            for (int op = 0; op < operations; op++) {
                String where = "op " + op + ", seed " + seed;
                Bytes key = keys[random.nextInt(keys.length)];
                int kind = random.nextInt(100);
                if (kind < 45) {
                    long ts = timestamp(random, streamTime);
                    byte[] value = random.nextInt(10) == 0 ? null : value(random);
                    long expected = kafka.put(key, value, ts);
                    long actual = ours.put(key, value, ts);
                    history.merge(key, "\n put@" + ts + (value == null ? " null" : "") + " st=" + streamTime + " -> " + expected, String::concat);
                    assertEquals(expected, actual, "put validTo, " + where + history.get(key));
                    streamTime = Math.max(streamTime, ts);
                } else if (kind < 52) {
                    long ts = timestamp(random, streamTime);
                    history.merge(key, "\n delete@" + ts + " st=" + streamTime, String::concat);
                    assertArrayEquals(kafka.delete(key, ts), ours.delete(key, ts), "delete, " + where + history.get(key));
                    streamTime = Math.max(streamTime, ts);
                } else if (kind < 62) {
                    assertArrayEquals(kafka.get(key), ours.get(key), "get, " + where);
                } else if (kind < 88) {
                    long asOf = streamTime - random.nextInt((int) (3 * HISTORY_MS)) + 20;
                    assertArrayEquals(kafka.get(key, asOf), ours.get(key, asOf), "get as of " + asOf + ", " + where);
                } else if (kind < 98) {
                    VersionedKeyQuery<Bytes, byte[]> q = VersionedKeyQuery.withKey(key);
                    if (random.nextInt(4) != 0) {
                        q = q.asOf(Instant.ofEpochMilli(streamTime - random.nextInt((int) (2 * HISTORY_MS)) + 20));
                    }
                    assertSameRecord(query(kafka, q), query(ours, q), "query " + q.asOfTimestamp() + ", " + where);
                } else if (kind < 99) {
                    ours.commit(Map.of(CHANGELOG, (long) op));
                } else if (random.nextInt(50) == 0) {
                    ours.commit(Map.of(CHANGELOG, (long) op));
                    ours.close();
                    open();
                    reopens++;
                }
            }
        } finally {
            kafka.close();
            ours.close();
        }
        assertTrue(reopens > 0, "the run reopened our store");
    }

    /**
     * The one known difference in multi-version queries: Kafka's store searches the time segments up to
     * {@code toTime}'s only, so it misses a record valid in the range that ended in a later segment; ours lists it.
     */
    @Test
    void aMultiVersionQueryListsARecordThatEndedInALaterSegment() {
        VersionedBytesStore kafka = (VersionedBytesStore) Stores.persistentVersionedKeyValueStore("kafka",
                Duration.ofMillis(HISTORY_MS), Duration.ofMillis(SEGMENT_MS)).get();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        kafka.init(new InternalMockProcessorContext<>(tmp.resolve("kafka").toFile(), Serdes.Bytes(), Serdes.ByteArray(),
                new StreamsConfig(props)), kafka);
        ourContext = new CapturingStateStoreContext(tmp.resolve("ours").toFile(), new Properties());
        open();
        Bytes key = Bytes.wrap(new byte[] {1});
        try {
            for (VersionedBytesStore store : List.of(kafka, ours)) {
                store.put(key, new byte[] {'a'}, 10);
                store.put(key, new byte[] {'b'}, 250); // a is valid in [10, 250): its segment is 250's
            }
            MultiVersionedKeyQuery<Bytes, byte[]> q = MultiVersionedKeyQuery.<Bytes, byte[]>withKey(key)
                    .fromTime(Instant.ofEpochMilli(0)).toTime(Instant.ofEpochMilli(50));
            assertEquals(List.of(), history(kafka, q), "Kafka's store misses it");
            assertEquals(List.of("a@10-250"), history(ours, q));
            q = q.toTime(Instant.ofEpochMilli(260));
            assertEquals(history(kafka, q), history(ours, q), "with toTime in the record's segment both list it");
        } finally {
            kafka.close();
            ours.close();
        }
    }

    private static List<String> history(VersionedBytesStore store, MultiVersionedKeyQuery<Bytes, byte[]> q) {
        QueryResult<VersionedRecordIterator<byte[]>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
        assertTrue(r.isSuccess(), r::getFailureMessage);
        List<String> out = new java.util.ArrayList<>();
        try (VersionedRecordIterator<byte[]> it = r.getResult()) {
            it.forEachRemaining(v -> out.add(new String(v.value()) + "@" + v.timestamp() + "-"
                    + v.validTo().map(String::valueOf).orElse("")));
        }
        return out;
    }

    private void open() {
        ours = (VersionedBytesStore) SedimentStores.versionedKeyValueStore("ours", Duration.ofMillis(HISTORY_MS),
                Duration.ofMillis(SEGMENT_MS)).get();
        ours.init(ourContext, ours);
    }

    /** Keys of varied lengths that are prefixes of one another, with zero and 0xFF bytes. */
    private static Bytes[] keys(Random random) {
        Bytes[] keys = new Bytes[40];
        keys[0] = Bytes.wrap(new byte[0]);
        keys[1] = Bytes.wrap(new byte[] {0});
        keys[2] = Bytes.wrap(new byte[] {0, 0});
        keys[3] = Bytes.wrap(new byte[] {(byte) 0xFF});
        keys[4] = Bytes.wrap(new byte[] {'a'});
        keys[5] = Bytes.wrap(new byte[] {'a', 0, 0, 0, 0, 0, 0, 0, 0});
        for (int i = 6; i < keys.length; i++) {
            byte[] k = new byte[1 + random.nextInt(12)];
            random.nextBytes(k);
            k[0] = (byte) (i % 3); // many shared first bytes
            keys[i] = Bytes.wrap(k);
        }
        return keys;
    }

    /** Mostly near stream time (forward or a little back), sometimes beyond the history retention. */
    private static long timestamp(Random random, long streamTime) {
        int r = random.nextInt(10);
        if (r < 5) {
            return streamTime + random.nextInt(4);
        } else if (r < 9) {
            return Math.max(0, streamTime - random.nextInt((int) HISTORY_MS));
        }
        return Math.max(0, streamTime - HISTORY_MS - random.nextInt((int) HISTORY_MS));
    }

    private static byte[] value(Random random) {
        byte[] v = new byte[random.nextInt(6)]; // empty values too: they are not tombstones
        random.nextBytes(v);
        return v;
    }

    private static VersionedRecord<byte[]> query(VersionedBytesStore store, VersionedKeyQuery<Bytes, byte[]> q) {
        QueryResult<VersionedRecord<byte[]>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
        assertTrue(r.isSuccess(), () -> store.name() + ": " + r.getFailureMessage());
        return r.getResult();
    }

    private static void assertSameRecord(VersionedRecord<byte[]> expected, VersionedRecord<byte[]> actual, String where) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, where);
            return;
        }
        assertTrue(Arrays.equals(expected.value(), actual.value()), where + ": value");
        assertEquals(expected.timestamp(), actual.timestamp(), where + ": timestamp");
        assertEquals(expected.validTo(), actual.validTo(), where + ": validTo");
    }
}
