package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentHeadersKeyValueStore;
import dev.sediment.streams.internal.SedimentSessionStore;
import dev.sediment.streams.internal.SedimentVersionedStore;
import dev.sediment.streams.internal.SedimentWindowStore;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlySessionStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.VersionedBytesStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactional mode (KIP-892) for the window, session, versioned and headers key-value stores, as
 * {@link TransactionalKeyValueStoreTest} checks it for the key-value store: READ_COMMITTED views see the last
 * commit point only, a reopen drops what no commit covered, data without a commit point opens empty under
 * exactly-once, IQv2 reports the committed position at READ_COMMITTED, and uncommitted bytes are counted. The
 * stores read the flag by name, so these run on both Kafka lines; the IQv2 isolation tests need 4.4's
 * {@code QueryConfig} and are skipped on 4.3.
 */
class TransactionalStoreTypesTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("app-store-changelog", 0);
    private static final long RETENTION = 1_000_000;

    @TempDir
    Path tmp;

    private static Bytes k(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private CapturingStateStoreContext context(boolean transactional) {
        Properties p = new Properties();
        p.put("enable.transactional.statestores", Boolean.toString(transactional));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new CapturingStateStoreContext(tmp.toFile(), p);
    }

    private <S extends StateStore> S open(S store, CapturingStateStoreContext ctx) {
        store.init(ctx, store);
        return store;
    }

    private static SedimentWindowStore window() {
        return new SedimentWindowStore("window", RETENTION, RETENTION / 4, 100, false, false);
    }

    private static SedimentSessionStore session() {
        return new SedimentSessionStore("session", RETENTION, RETENTION / 4, false);
    }

    private static SedimentVersionedStore versioned() {
        return new SedimentVersionedStore("versioned", RETENTION, RETENTION / 4);
    }

    private static SedimentHeadersKeyValueStore headers() {
        return new SedimentHeadersKeyValueStore("headers");
    }

    private static Windowed<Bytes> sessionKey(String key, long start, long end) {
        return new Windowed<>(k(key), new SessionWindow(start, end));
    }

    /** A versioned store's value, {@code [timestamp][value]}, as its value. */
    private static String versionValue(byte[] b) {
        return b == null ? null : str(Arrays.copyOfRange(b, 8, b.length));
    }

    private static <K> List<String> entries(KeyValueIterator<K, byte[]> it, Function<K, String> key) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KeyValue<K, byte[]> kv = it.next();
                out.add(key.apply(kv.key) + "=" + str(kv.value));
            }
        }
        return out;
    }

    private static String windowKey(Windowed<Bytes> w) {
        return str(w.key().get()) + "@" + w.window().start();
    }

    private static List<String> times(WindowStoreIterator<byte[]> it) {
        return entries(it, String::valueOf);
    }

    // ---------------------------------------------------------------- window

    @Test
    void windowStoreReadCommittedViewsAndReopen() {
        SedimentWindowStore store = open(window(), context(true));
        store.put(k("a"), v("1"), 0);
        store.put(k("b"), v("1"), 100);
        store.commit(Map.of(CHANGELOG, 1L));
        store.put(k("a"), v("2"), 0);          // overwritten
        store.put(k("b"), null, 100);          // deleted
        store.put(k("a"), v("2"), 200);        // new window
        store.put(k("c"), v("2"), 0);          // new key

        ReadOnlyWindowStore<Bytes, byte[]> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertEquals("1", str(committed.fetch(k("a"), 0)));
        assertEquals("1", str(committed.fetch(k("b"), 100)));
        assertNull(committed.fetch(k("c"), 0));
        assertEquals(List.of("0=1"), times(committed.fetch(k("a"), Instant.ofEpochMilli(0), Instant.ofEpochMilli(1000))));
        assertEquals(List.of("0=1"), times(committed.backwardFetch(k("a"), Instant.ofEpochMilli(0), Instant.ofEpochMilli(1000))));
        assertEquals(List.of("a@0=1", "b@100=1"), entries(committed.fetchAll(Instant.ofEpochMilli(0), Instant.ofEpochMilli(1000)), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("a@0=1", "b@100=1"), entries(committed.all(), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("b@100=1", "a@0=1"), entries(committed.backwardAll(), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("a@0=1", "b@100=1"), entries(committed.fetch(k("a"), k("b"), Instant.ofEpochMilli(0), Instant.ofEpochMilli(1000)), TransactionalStoreTypesTest::windowKey));
        assertThrows(UnsupportedOperationException.class, () -> ((WindowStore<Bytes, byte[]>) committed).put(k("x"), v("x"), 0),
                "a view refuses writes");

        assertSame(store, store.readOnly(IsolationLevel.READ_UNCOMMITTED), "read-uncommitted sees every write");
        assertEquals(List.of("a@0=2", "a@200=2", "c@0=2"), entries(store.all(), TransactionalStoreTypesTest::windowKey));
        assertTrue(store.approximateNumUncommittedBytes() > 0);

        store.close(); // without a commit
        store = open(window(), context(true));
        assertEquals(1L, store.committedOffset(CHANGELOG));
        assertEquals(List.of("a@0=1", "b@100=1"), entries(store.all(), TransactionalStoreTypesTest::windowKey),
                "writes after the last commit are gone");
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.put(k("a"), v("3"), 0);
        store.commit(Map.of(CHANGELOG, 5L));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
        store = open(window(), context(true));
        assertEquals("3", str(store.readOnly(IsolationLevel.READ_COMMITTED).fetch(k("a"), 0)), "committed writes are kept");
        store.close();
    }

    @Test
    void aWindowIteratorOfTheViewKeepsTheCommitPointItStartedAt() {
        SedimentWindowStore store = open(window(), context(true));
        store.put(k("a"), v("1"), 0);
        store.commit(Map.of(CHANGELOG, 0L));
        KeyValueIterator<Windowed<Bytes>, byte[]> early = store.readOnly(IsolationLevel.READ_COMMITTED).all();
        store.put(k("b"), v("2"), 0);
        store.commit(Map.of(CHANGELOG, 1L));
        assertEquals(List.of("a@0=1"), entries(early, TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("a@0=1", "b@0=2"),
                entries(store.readOnly(IsolationLevel.READ_COMMITTED).all(), TransactionalStoreTypesTest::windowKey));
        store.close();
    }

    // ---------------------------------------------------------------- session

    @Test
    void sessionStoreReadCommittedViewsAndReopen() {
        SedimentSessionStore store = open(session(), context(true));
        store.put(sessionKey("a", 0, 10), v("1"));
        store.put(sessionKey("b", 5, 20), v("1"));
        store.commit(Map.of(CHANGELOG, 1L));
        store.put(sessionKey("a", 0, 10), v("2"));
        store.remove(sessionKey("b", 5, 20));
        store.put(sessionKey("c", 0, 30), v("2"));

        ReadOnlySessionStore<Bytes, byte[]> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertEquals("1", str(committed.fetchSession(k("a"), 0, 10)));
        assertEquals("1", str(committed.fetchSession(k("b"), 5, 20)));
        assertNull(committed.fetchSession(k("c"), 0, 30));
        assertEquals(List.of("a@0=1"), entries(committed.fetch(k("a")), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("a@0=1", "b@5=1"), entries(committed.fetch(k("a"), k("c")), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("b@5=1"), entries(committed.findSessions(k("b"), 0, 100), TransactionalStoreTypesTest::windowKey));
        assertEquals(List.of("b@5=1", "a@0=1"),
                entries(committed.backwardFetch(k("a"), k("c")), TransactionalStoreTypesTest::windowKey));
        assertThrows(UnsupportedOperationException.class,
                () -> ((SessionStore<Bytes, byte[]>) committed).put(sessionKey("x", 0, 1), v("x")), "a view refuses writes");

        assertSame(store, store.readOnly(IsolationLevel.READ_UNCOMMITTED));
        assertEquals(List.of("a@0=2", "c@0=2"), entries(store.fetch(k("a"), k("c")), TransactionalStoreTypesTest::windowKey));
        assertTrue(store.approximateNumUncommittedBytes() > 0);

        store.close();
        store = open(session(), context(true));
        assertEquals(1L, store.committedOffset(CHANGELOG));
        assertEquals(List.of("a@0=1", "b@5=1"), entries(store.fetch(k("a"), k("c")), TransactionalStoreTypesTest::windowKey));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
    }

    // ---------------------------------------------------------------- versioned

    @Test
    void versionedStoreReadCommittedViewsAndReopen() {
        SedimentVersionedStore store = open(versioned(), context(true));
        store.put(k("a"), v("1"), 10);
        store.put(k("b"), v("1"), 10);
        store.commit(Map.of(CHANGELOG, 1L));
        store.put(k("a"), v("2"), 20);         // a newer version
        store.put(k("a"), v("1b"), 15);        // an out-of-order one
        store.delete(k("b"), 20);              // a tombstone
        store.put(k("c"), v("2"), 20);         // a new key

        VersionedBytesStore committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertEquals("1", versionValue(committed.get(k("a"))));
        assertEquals("1", versionValue(committed.get(k("a"), 17)));
        assertEquals("1", versionValue(committed.get(k("b"))));
        assertNull(committed.get(k("c")));
        assertNull(committed.get(k("a"), 5));
        assertThrows(UnsupportedOperationException.class, () -> committed.put(k("x"), v("x"), 30), "a view refuses writes");

        assertSame(store, store.readOnly(IsolationLevel.READ_UNCOMMITTED));
        assertEquals("2", versionValue(store.get(k("a"))));
        assertEquals("1b", versionValue(store.get(k("a"), 17)));
        assertNull(store.get(k("b")));
        assertTrue(store.approximateNumUncommittedBytes() > 0);

        store.close();
        store = open(versioned(), context(true));
        assertEquals(1L, store.committedOffset(CHANGELOG));
        assertEquals("1", versionValue(store.get(k("a"))), "versions after the last commit are gone");
        assertEquals("1", versionValue(store.get(k("a"), 17)));
        assertEquals("1", versionValue(store.get(k("b"))));
        assertNull(store.get(k("c")));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.put(k("a"), v("3"), 30);
        store.commit(Map.of(CHANGELOG, 4L));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
        store = open(versioned(), context(true));
        assertEquals("3", versionValue(store.readOnly(IsolationLevel.READ_COMMITTED).get(k("a"))), "committed versions are kept");
        store.close();
    }

    // ---------------------------------------------------------------- headers key-value

    @Test
    void headersStoreReadCommittedViewsAndReopen() {
        SedimentHeadersKeyValueStore store = open(headers(), context(true));
        store.put(k("a"), v("1"));
        store.commit(Map.of(CHANGELOG, 0L));
        store.put(k("a"), v("2"));
        store.put(k("b"), v("2"));
        ReadOnlyKeyValueStore<Bytes, byte[]> committed = store.readOnly(IsolationLevel.READ_COMMITTED);
        assertEquals("1", str(committed.get(k("a"))));
        assertNull(committed.get(k("b")));
        assertEquals(List.of("a=1"), entries(committed.all(), b -> str(b.get())));
        assertSame(store, store.readOnly(IsolationLevel.READ_UNCOMMITTED));
        assertEquals("2", str(store.get(k("a"))));
        assertTrue(store.approximateNumUncommittedBytes() > 0);
        store.close();
        store = open(headers(), context(true));
        assertEquals(List.of("a=1"), entries(store.all(), b -> str(b.get())), "writes after the last commit are gone");
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
    }

    // ---------------------------------------------------------------- every type

    @Test
    void dataWithoutACommitPointOpensEmptyUnderExactlyOnce() {
        SedimentWindowStore w = open(window(), context(false));
        w.put(k("a"), v("1"), 0);
        w.close();
        w = open(window(), context(true));
        assertNull(w.fetch(k("a"), 0), "window data that may hold aborted transactions is dropped");
        assertNull(w.committedOffset(CHANGELOG));
        w.close();

        SedimentSessionStore s = open(session(), context(false));
        s.put(sessionKey("a", 0, 10), v("1"));
        s.close();
        s = open(session(), context(true));
        assertNull(s.fetchSession(k("a"), 0, 10), "session data is dropped");
        s.close();

        SedimentVersionedStore ver = open(versioned(), context(false));
        ver.put(k("a"), v("1"), 10);
        ver.close();
        ver = open(versioned(), context(true));
        assertNull(ver.get(k("a")), "versioned data is dropped");
        ver.close();

        SedimentHeadersKeyValueStore h = open(headers(), context(false));
        h.put(k("a"), v("1"));
        h.close();
        h = open(headers(), context(true));
        assertNull(h.get(k("a")), "headers data is dropped");
        h.close();
    }

    @Test
    void withoutTheFlagReadCommittedSeesEveryWriteAsKafkasOwnStoresDo() {
        SedimentWindowStore w = open(window(), context(false));
        assertSame(w, w.readOnly(IsolationLevel.READ_COMMITTED));
        w.close();
        SedimentSessionStore s = open(session(), context(false));
        assertSame(s, s.readOnly(IsolationLevel.READ_COMMITTED));
        s.close();
        SedimentVersionedStore ver = open(versioned(), context(false));
        assertSame(ver, ver.readOnly(IsolationLevel.READ_COMMITTED));
        ver.close();
        SedimentHeadersKeyValueStore h = open(headers(), context(false));
        assertSame(h, h.readOnly(IsolationLevel.READ_COMMITTED));
        h.close();
    }

    // ---------------------------------------------------------------- IQv2 positions (4.4)

    /** 4.4's {@code QueryConfig(boolean, IsolationLevel)}, or the test is skipped on 4.3. */
    private static QueryConfig config(IsolationLevel level) {
        return IsolatedQueryConfig.of(false, level);
    }

    private interface Queryable {
        <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config);
    }

    private static final Position COMMITTED = Position.emptyPosition().withComponent("input", 0, 10);
    private static final Position LATEST = Position.emptyPosition().withComponent("input", 0, 11);

    /**
     * Writes through {@code first} at input offset 10, commits, writes through {@code second} at 11, then checks
     * {@code query}'s answer ({@code answer}) and position at both levels, and the committed bound.
     */
    private static <R> void checkPositions(CapturingStateStoreContext ctx, Runnable first, Runnable commit, Runnable second,
                                           Queryable store, Query<R> query, Function<R, String> answer,
                                           String committedAnswer, String latestAnswer) {
        QueryConfig rc = config(IsolationLevel.READ_COMMITTED);
        QueryConfig ru = config(IsolationLevel.READ_UNCOMMITTED);
        ctx.setRecordMetadata("input", 0, 10);
        first.run();
        commit.run();
        ctx.setRecordMetadata("input", 0, 11);
        second.run();

        QueryResult<R> atRc = store.query(query, PositionBound.unbounded(), rc);
        assertTrue(atRc.isSuccess(), atRc.toString());
        assertEquals(committedAnswer, answer.apply(atRc.getResult()));
        assertEquals(COMMITTED, atRc.getPosition());
        QueryResult<R> atRu = store.query(query, PositionBound.unbounded(), ru);
        assertTrue(atRu.isSuccess(), atRu.toString());
        assertEquals(latestAnswer, answer.apply(atRu.getResult()));
        assertEquals(LATEST, atRu.getPosition());
        assertFalse(store.query(query, PositionBound.at(LATEST), rc).isSuccess(), "the committed position is behind the bound");
        assertTrue(store.query(query, PositionBound.at(LATEST), ru).isSuccess());
    }

    @Test
    void iqv2ReportsTheCommittedPositionAndValuesAtReadCommittedForEveryStoreType() {
        config(IsolationLevel.READ_COMMITTED); // skipped on 4.3 before any store is opened
        CapturingStateStoreContext ctx = context(true);
        SedimentWindowStore w = open(window(), ctx);
        checkPositions(ctx, () -> w.put(k("a"), v("1"), 0), () -> w.commit(Map.of(CHANGELOG, 0L)),
                () -> w.put(k("a"), v("2"), 100), w::query, WindowKeyQuery.<Bytes, byte[]>withKeyAndWindowStartRange(k("a"),
                        Instant.ofEpochMilli(0), Instant.ofEpochMilli(1000)), it -> times(it).toString(), "[0=1]", "[0=1, 100=2]");
        w.close();

        SedimentSessionStore s = open(session(), ctx);
        checkPositions(ctx, () -> s.put(sessionKey("a", 0, 10), v("1")), () -> s.commit(Map.of(CHANGELOG, 0L)),
                () -> s.put(sessionKey("a", 20, 30), v("2")), s::query, WindowRangeQuery.<Bytes, byte[]>withKey(k("a")),
                it -> entries(it, TransactionalStoreTypesTest::windowKey).toString(), "[a@0=1]", "[a@0=1, a@20=2]");
        s.close();

        SedimentVersionedStore ver = open(versioned(), ctx);
        checkPositions(ctx, () -> ver.put(k("a"), v("1"), 10), () -> ver.commit(Map.of(CHANGELOG, 0L)),
                () -> ver.put(k("a"), v("2"), 20), ver::query, VersionedKeyQuery.<Bytes, byte[]>withKey(k("a")),
                r -> str(r.value()), "1", "2");
        QueryResult<VersionedRecordIterator<byte[]>> history = ver.query(MultiVersionedKeyQuery.<Bytes, byte[]>withKey(k("a")),
                PositionBound.unbounded(), config(IsolationLevel.READ_COMMITTED));
        List<String> versions = new ArrayList<>();
        try (VersionedRecordIterator<byte[]> it = history.getResult()) {
            while (it.hasNext()) {
                VersionedRecord<byte[]> r = it.next();
                versions.add(str(r.value()) + "@" + r.timestamp());
            }
        }
        assertEquals(List.of("1@10"), versions, "the multi-version query reads the last commit point too");
        ver.close();

        SedimentHeadersKeyValueStore h = open(headers(), ctx);
        checkPositions(ctx, () -> h.put(k("a"), v("1")), () -> h.commit(Map.of(CHANGELOG, 0L)),
                () -> h.put(k("a"), v("2")), h::query, KeyQuery.<Bytes, byte[]>withKey(k("a")),
                TransactionalStoreTypesTest::str, "1", "2");
        h.close();
    }
}
