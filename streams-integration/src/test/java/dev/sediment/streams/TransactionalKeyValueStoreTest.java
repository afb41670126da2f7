package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactional mode (KIP-892, {@code enable.transactional.statestores}): what the last {@code commit}
 * covered is all a READ_COMMITTED reader, a reopen or a dirty close ever sees. The store reads the flag by
 * name, so these run on both Kafka lines; the IQv2 isolation-level tests need 4.4's {@code QueryConfig} and
 * are skipped on 4.3.
 */
class TransactionalKeyValueStoreTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("app-store-changelog", 0);

    @TempDir
    Path tmp;

    private static Bytes k(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Properties props(boolean transactional, String guarantee) {
        Properties p = new Properties();
        p.put("enable.transactional.statestores", Boolean.toString(transactional));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        return p;
    }

    private CapturingStateStoreContext eosContext() {
        return new CapturingStateStoreContext(tmp.toFile(), props(true, StreamsConfig.EXACTLY_ONCE_V2));
    }

    private static SedimentKeyValueStore open(CapturingStateStoreContext ctx) {
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        store.init(ctx, store);
        return store;
    }

    private static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(new String(kv.key.get(), StandardCharsets.UTF_8) + "=" + new String(kv.value, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void uncommittedWritesAreInvisibleToReadCommittedViewsAndGoneAfterReopen() {
        SedimentKeyValueStore store = open(eosContext());
        store.put(k("a"), v("1"));
        store.put(k("b"), v("1"));
        store.put(k("c"), v("1"));
        store.commit(Map.of(CHANGELOG, 2L));
        store.put(k("a"), v("2"));          // overwritten
        store.delete(k("b"));               // deleted
        store.put(k("d"), v("2"));          // new
        store.putAll(List.of(KeyValue.pair(k("ab"), v("2")), KeyValue.pair(k("c"), null)));

        ReadOnlyKeyValueStore<Bytes, byte[]> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertArrayEquals(v("1"), committed.get(k("a")));
        assertArrayEquals(v("1"), committed.get(k("b")));
        assertArrayEquals(v("1"), committed.get(k("c")));
        assertNull(committed.get(k("d")));
        assertEquals(List.of("a=1", "b=1", "c=1"), keys(committed.all()));
        assertEquals(List.of("c=1", "b=1", "a=1"), keys(committed.reverseAll()));
        assertEquals(List.of("a=1", "b=1"), keys(committed.range(k("a"), k("b"))));
        assertEquals(List.of("b=1", "a=1"), keys(committed.reverseRange(k("a"), k("b"))));
        assertEquals(List.of("a=1"), keys(committed.prefixScan("a", Serdes.String().serializer())));
        assertEquals(List.of(), keys(committed.range(k("b"), k("a"))), "from > to is empty, as in the store");

        assertSame(store, store.readOnly(IsolationLevel.READ_UNCOMMITTED), "read-uncommitted sees every write");
        assertEquals(List.of("a=2", "ab=2", "d=2"), keys(store.all()));
        assertTrue(store.approximateNumUncommittedBytes() > 0);

        store.close(); // without a commit: a dirty close, or a clean one Kafka never committed before
        store = open(eosContext());
        assertEquals(2L, store.committedOffset(CHANGELOG));
        assertEquals(List.of("a=1", "b=1", "c=1"), keys(store.all()), "writes after the last commit are gone");
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
    }

    @Test
    void committedWritesAreKeptAndAViewIteratorReadsTheCommitItStartedAt() {
        SedimentKeyValueStore store = open(eosContext());
        store.put(k("a"), v("1"));
        store.commit(Map.of(CHANGELOG, 0L));
        ReadOnlyKeyValueStore<Bytes, byte[]> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        KeyValueIterator<Bytes, byte[]> early = committed.all();
        store.put(k("a"), v("2"));
        store.put(k("b"), v("2"));
        assertArrayEquals(v("1"), committed.get(k("a")));
        store.commit(Map.of(CHANGELOG, 2L));
        assertArrayEquals(v("2"), committed.get(k("a")), "a view reads the latest commit point at each read");
        assertEquals(List.of("a=1"), keys(early), "an iterator keeps the commit point it started at");
        store.flush();
        store.close();

        store = open(eosContext());
        assertEquals(2L, store.committedOffset(CHANGELOG));
        assertEquals(List.of("a=2", "b=2"), keys(store.readOnly(IsolationLevel.READ_COMMITTED).all()));
        assertEquals(List.of("a=2", "b=2"), keys(store.all()));
        store.close();
    }

    @Test
    void aTransactionalStoreNeverCommittedOpensEmpty() {
        SedimentKeyValueStore store = open(eosContext());
        store.put(k("a"), v("1"));
        assertNull(store.readOnly(IsolationLevel.READ_COMMITTED).get(k("a")), "nothing is committed yet");
        store.close();
        store = open(eosContext());
        assertNull(store.get(k("a")), "writes before the first commit are rolled back too");
        assertNull(store.committedOffset(CHANGELOG));
        store.close();
    }

    @Test
    void dataWithoutACommitPointOpensEmptyUnderExactlyOnceOnly() {
        // Written without transactional mode and never committed: the engine keeps every flushed write.
        SedimentKeyValueStore plain = open(new CapturingStateStoreContext(tmp.toFile(), props(false, StreamsConfig.EXACTLY_ONCE_V2)));
        plain.put(k("a"), v("1"));
        plain.close();

        SedimentKeyValueStore alos = open(new CapturingStateStoreContext(tmp.toFile(), props(true, StreamsConfig.AT_LEAST_ONCE)));
        assertArrayEquals(v("1"), alos.get(k("a")), "at-least-once keeps it: a replay on top is what it does anyway");
        assertNull(alos.committedOffset(CHANGELOG));
        alos.close();

        // alos gave it a commit point (empty offsets) covering the data; start again with none.
        java.io.File dir = tmp.resolve("store").toFile();
        deleteTree(dir);
        plain = open(new CapturingStateStoreContext(tmp.toFile(), props(false, StreamsConfig.EXACTLY_ONCE_V2)));
        plain.put(k("a"), v("1"));
        plain.close();
        SedimentKeyValueStore eos = open(eosContext());
        assertNull(eos.get(k("a")), "data that may hold aborted transactions is dropped: Kafka restores from the start");
        assertNull(eos.committedOffset(CHANGELOG));
        eos.put(k("b"), v("2"));
        eos.commit(Map.of(CHANGELOG, 0L));
        eos.close();
        eos = open(eosContext());
        assertEquals(List.of("b=2"), keys(eos.all()), "and it works as usual from then on");
        eos.close();
    }

    private static void deleteTree(java.io.File f) {
        java.io.File[] children = f.listFiles();
        if (children != null) {
            for (java.io.File c : children) {
                deleteTree(c);
            }
        }
        assertTrue(f.delete(), "cannot delete " + f);
    }

    @Test
    void withoutTheFlagReadCommittedSeesEveryWriteAsKafkasOwnStoresDo() {
        SedimentKeyValueStore store = open(new CapturingStateStoreContext(tmp.toFile(), props(false, StreamsConfig.EXACTLY_ONCE_V2)));
        store.put(k("a"), v("1"));
        assertSame(store, store.readOnly(IsolationLevel.READ_COMMITTED));
        store.close();
    }

    @Test
    void uncommittedBytesCountWritesSinceTheLastCommit() {
        SedimentKeyValueStore store = open(eosContext());
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.put(k("a"), v("123"));
        assertEquals(4, store.approximateNumUncommittedBytes());
        store.delete(k("a"));
        assertEquals(5, store.approximateNumUncommittedBytes());
        store.commit(Map.of(CHANGELOG, 1L));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
    }

    /** 4.4's {@code QueryConfig(boolean, IsolationLevel)}, or the test is skipped on 4.3. */
    private static QueryConfig config(IsolationLevel level) {
        return IsolatedQueryConfig.of(true, level);
    }

    @Test
    void iqv2ReportsTheCommittedPositionAndValueAtReadCommitted() {
        QueryConfig readCommitted = config(IsolationLevel.READ_COMMITTED);
        QueryConfig readUncommitted = config(IsolationLevel.READ_UNCOMMITTED);
        CapturingStateStoreContext ctx = eosContext();
        SedimentKeyValueStore store = open(ctx);
        ctx.setRecordMetadata("input", 0, 10);
        store.put(k("a"), v("1"));
        store.commit(Map.of(CHANGELOG, 0L));
        ctx.setRecordMetadata("input", 0, 11);
        store.put(k("a"), v("2"));
        store.put(k("b"), v("2"));
        Position committed = Position.emptyPosition().withComponent("input", 0, 10);
        Position latest = Position.emptyPosition().withComponent("input", 0, 11);

        QueryResult<byte[]> rc = store.query(KeyQuery.withKey(k("a")), PositionBound.unbounded(), readCommitted);
        assertTrue(rc.isSuccess(), rc.toString());
        assertArrayEquals(v("1"), rc.getResult());
        assertEquals(committed, rc.getPosition());
        QueryResult<byte[]> ru = store.query(KeyQuery.withKey(k("a")), PositionBound.unbounded(), readUncommitted);
        assertArrayEquals(v("2"), ru.getResult());
        assertEquals(latest, ru.getPosition());

        QueryResult<KeyValueIterator<Bytes, byte[]>> range = store.query(RangeQuery.withNoBounds(),
                PositionBound.unbounded(), readCommitted);
        assertEquals(List.of("a=1"), keys(range.getResult()));
        assertEquals(committed, range.getPosition());

        QueryResult<byte[]> ahead = store.query(KeyQuery.withKey(k("a")), PositionBound.at(latest), readCommitted);
        assertFalse(ahead.isSuccess(), "the committed position is behind the bound");
        assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());
        assertTrue(store.query(KeyQuery.withKey(k("a")), PositionBound.at(latest), readUncommitted).isSuccess());

        store.commit(Map.of(CHANGELOG, 2L));
        QueryResult<byte[]> after = store.query(KeyQuery.withKey(k("a")), PositionBound.at(latest), readCommitted);
        assertTrue(after.isSuccess(), after.toString());
        assertArrayEquals(v("2"), after.getResult());
        assertEquals(latest, after.getPosition());
        store.close();

        store = open(eosContext());
        QueryResult<byte[]> reopened = store.query(KeyQuery.withKey(k("b")), PositionBound.unbounded(), readCommitted);
        assertArrayEquals(v("2"), reopened.getResult());
        assertEquals(latest, reopened.getPosition(), "the committed position survives a reopen");
        store.close();
    }
}
