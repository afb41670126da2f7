package dev.sediment.streams.internal;

import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentConfig;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stores written in the timestamped (session: plain) format and reopened through a headers-format supplier: every
 * record reads back in Kafka's headers layout with empty headers ({@link HeadersBytesStore#convertToHeaderFormat}),
 * through gets, range reads and IQv2, with the committed offsets kept; the upgrade runs once; a headers store is
 * never opened as a timestamped one; a crash at any file operation of the upgrade leaves a store that opens and
 * reads correctly.
 */
class HeadersUpgradeTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("app-store-changelog", 0);
    private static final QueryConfig NO_INFO = new QueryConfig(false);

    @TempDir
    Path tmp;

    private CapturingStateStoreContext context(File dir) {
        Properties props = new Properties();
        props.put(SedimentConfig.MEMTABLE_BYTES, "8192"); // several tables, so the rewrite spans flushes
        props.put(SedimentConfig.COMPRESSION, "none");
        return new CapturingStateStoreContext(dir, props);
    }

    private static <S extends StateStore> S init(S store, CapturingStateStoreContext context) {
        store.init(context, store);
        return store;
    }

    private static byte[] timestamped(long ts, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + v.length).putLong(ts).put(v).array();
    }

    private static Bytes key(int i) {
        return Bytes.wrap(String.format("k%04d", i).getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : Bytes.wrap(b).toString();
    }

    private static List<String> list(KeyValueIterator<?, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(kv.key + "=" + hex(kv.value)));
        }
        return out;
    }

    private static List<String> headersOf(List<KeyValue<Object, byte[]>> entries) {
        List<String> out = new ArrayList<>();
        for (KeyValue<Object, byte[]> kv : entries) {
            out.add(kv.key + "=" + hex(HeadersBytesStore.convertToHeaderFormat(kv.value)));
        }
        return out;
    }

    // ---------------------------------------------------------------- key-value

    private static TreeMap<Bytes, byte[]> writeTimestamped(KeyValueStore<Bytes, byte[]> store, int n) {
        TreeMap<Bytes, byte[]> model = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byte[] v = timestamped(1_000L + i, "value-" + i);
            store.put(key(i), v);
            model.put(key(i), v);
        }
        for (int i = 0; i < n; i += 17) {
            store.delete(key(i));
            model.remove(key(i));
        }
        store.commit(Map.of(CHANGELOG, (long) n - 1));
        return model;
    }

    private static void assertHeadersLayout(TreeMap<Bytes, byte[]> model, KeyValueStore<Bytes, byte[]> store, String where) {
        List<KeyValue<Object, byte[]>> expected = new ArrayList<>();
        model.forEach((k, v) -> expected.add(KeyValue.pair(k, v)));
        for (Map.Entry<Bytes, byte[]> e : model.entrySet()) {
            assertEquals(hex(HeadersBytesStore.convertToHeaderFormat(e.getValue())), hex(store.get(e.getKey())),
                    where + ": " + e.getKey());
        }
        assertEquals(headersOf(expected), list(store.all()), where + ": all()");
        List<String> reversed = new ArrayList<>(headersOf(expected));
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, list(store.reverseAll()), where + ": reverseAll()");
        List<KeyValue<Object, byte[]>> middle = new ArrayList<>();
        model.subMap(key(100), true, key(199), true).forEach((k, v) -> middle.add(KeyValue.pair(k, v)));
        assertEquals(headersOf(middle), list(store.range(key(100), key(199))), where + ": range");
    }

    @Test
    void aTimestampedKeyValueStoreReadsBackInTheHeadersLayoutAfterItsUpgrade() {
        File dir = tmp.toFile();
        KeyValueStore<Bytes, byte[]> old = init(SedimentStores.timestampedKeyValueStore("kv").get(), context(dir));
        TreeMap<Bytes, byte[]> model = writeTimestamped(old, 600);
        old.close();

        KeyValueStore<Bytes, byte[]> upgraded = init(SedimentStores.timestampedKeyValueStoreWithHeaders("kv").get(), context(dir));
        try {
            assertInstanceOf(HeadersBytesStore.class, upgraded);
            assertEquals(599L, upgraded.committedOffset(CHANGELOG));
            assertHeadersLayout(model, upgraded, "after the upgrade");
            // IQv2 reaches the same bytes.
            QueryResult<byte[]> got = upgraded.query(KeyQuery.withKey(key(5)), PositionBound.unbounded(), NO_INFO);
            assertTrue(got.isSuccess(), got.toString());
            assertEquals(hex(HeadersBytesStore.convertToHeaderFormat(model.get(key(5)))), hex(got.getResult()));
            QueryResult<KeyValueIterator<Bytes, byte[]>> range = upgraded.query(
                    RangeQuery.withRange(key(100), key(199)), PositionBound.unbounded(), NO_INFO);
            assertTrue(range.isSuccess(), range.toString());
            assertEquals(list(upgraded.range(key(100), key(199))), list(range.getResult()));
            // New writes are in the headers format already; the upgrade does not run again on them.
            byte[] fresh = HeadersBytesStore.convertToHeaderFormat(timestamped(9_999L, "fresh"));
            upgraded.put(key(5_000), fresh);
            model.put(key(5_000), timestamped(9_999L, "fresh"));
            upgraded.commit(Map.of(CHANGELOG, 600L));
        } finally {
            upgraded.close();
        }
        KeyValueStore<Bytes, byte[]> reopened = init(SedimentStores.timestampedKeyValueStoreWithHeaders("kv").get(), context(dir));
        try {
            assertHeadersLayout(model, reopened, "after a second open");
        } finally {
            reopened.close();
        }
        // No way back: the headers store's files are refused by the timestamped supplier, with what to do.
        KeyValueStore<Bytes, byte[]> downgraded = SedimentStores.timestampedKeyValueStore("kv").get();
        ProcessorStateException refused = assertThrows(ProcessorStateException.class, () -> init(downgraded, context(dir)));
        assertTrue(refused.getMessage().contains("holds headers values")
                && refused.getMessage().contains("SedimentStores.timestampedKeyValueStoreWithHeaders(\"kv\")"),
                refused.getMessage());
    }

    @Test
    void aPlainKeyValueStoreGetsEmptyHeadersAndKafkasNoTimestamp() {
        File dir = tmp.toFile();
        KeyValueStore<Bytes, byte[]> old = init(SedimentStores.keyValueStore("plain").get(), context(dir));
        old.put(key(1), "one".getBytes(StandardCharsets.UTF_8));
        old.commit(Map.of(CHANGELOG, 0L));
        old.close();
        KeyValueStore<Bytes, byte[]> upgraded = init(SedimentStores.timestampedKeyValueStoreWithHeaders("plain").get(), context(dir));
        try {
            assertEquals(hex(HeadersBytesStore.convertFromPlainToHeaderFormat("one".getBytes(StandardCharsets.UTF_8))),
                    hex(upgraded.get(key(1))));
        } finally {
            upgraded.close();
        }
    }

    /**
     * A crash (power loss) at every file operation of an upgrade in turn: the store then opens, through the headers
     * supplier, with every record in the headers layout exactly once converted and its committed offset.
     */
    @Test
    void aCrashAnywhereInAKeyValueUpgradeLeavesAStoreThatOpensAndReadsCorrectly() {
        MemFileSystem base = new MemFileSystem();
        SedimentKeyValueStore old = new SedimentTimestampedKeyValueStore("kv");
        old.fileSystem(base);
        init(old, context(CRASH_DIR));
        TreeMap<Bytes, byte[]> model = writeTimestamped(old, 300);
        old.close();
        crashAtEveryOperation(base, fs -> {
            SedimentHeadersKeyValueStore s = new SedimentHeadersKeyValueStore("kv");
            s.fileSystem(fs);
            return s;
        }, (store, where) -> {
            assertEquals(299L, store.committedOffset(CHANGELOG), where);
            assertHeadersLayout(model, (SedimentHeadersKeyValueStore) store, where);
        });
    }

    @Test
    void aCrashAnywhereInAWindowUpgradeLeavesAStoreThatOpensAndReadsCorrectly() {
        MemFileSystem base = new MemFileSystem();
        SedimentWindowStore old = new SedimentWindowStore.Timestamped("w", 600_000, 60_000, 10_000, false, true);
        old.segmented().core.fileSystem(base);
        init(old, context(CRASH_DIR));
        for (int i = 0; i < 300; i++) {
            old.put(key(i % 13), timestamped(i * 1_000L, "v" + i), i * 1_000L);
        }
        List<KeyValue<Object, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<Windowed<Bytes>, byte[]> it = old.all()) { // time-indexed: by window start
            it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value)));
        }
        old.commit(Map.of(CHANGELOG, 299L));
        old.close();
        crashAtEveryOperation(base, fs -> {
            SedimentWindowStore s = new SedimentWindowStore.WithHeaders("w", 600_000, 60_000, 10_000, false, true);
            s.segmented().core.fileSystem(fs);
            return s;
        }, (store, where) -> {
            assertEquals(299L, store.committedOffset(CHANGELOG), where);
            assertEquals(headersOf(all), list(((SedimentWindowStore) store).all()), where);
        });
    }

    private static final File CRASH_DIR = new File("/upgrade/state");

    /** Opens {@code base}'s timestamped store through {@code headersStore}, crashing at each file operation in turn. */
    private void crashAtEveryOperation(MemFileSystem base, Function<MemFileSystem, StateStore> headersStore,
                                       BiConsumer<StateStore, String> check) {
        int crashes = 0;
        for (long crashAt = 0; ; crashAt++) {
            MemFileSystem fs = base.crashClone();
            fs.crashAfterOperations(fs.operationCount() + crashAt);
            StateStore upgrading = headersStore.apply(fs);
            try {
                init(upgrading, context(CRASH_DIR));
                upgrading.close();
            } catch (RuntimeException e) {
                assertTrue(fs.isCrashed(), "crash point " + crashAt + ": " + e);
            }
            if (!fs.isCrashed()) {
                break; // the upgrade ran to its end before this crash point
            }
            crashes++;
            MemFileSystem after = fs.crashedState();
            assertNotNull(after);
            StateStore reopened = init(headersStore.apply(after), context(CRASH_DIR));
            try {
                check.accept(reopened, "crash point " + crashAt);
            } finally {
                reopened.close();
            }
        }
        assertTrue(crashes > 5, "the upgrade took " + crashes + " file operations");
    }

    // ---------------------------------------------------------------- window and session

    @Test
    void aTimestampedWindowStoreReadsBackInTheHeadersLayoutAfterItsUpgrade() {
        File dir = tmp.toFile();
        Duration retention = Duration.ofMinutes(10);
        Duration size = Duration.ofSeconds(10);
        WindowStore<Bytes, byte[]> old = init(SedimentStores.timestampedWindowStore("w", retention, size, false).get(),
                context(dir));
        List<KeyValue<Object, byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            old.put(key(i % 13), timestamped(i * 1_000L + 5, "v" + i), i * 1_000L);
        }
        try (KeyValueIterator<Windowed<Bytes>, byte[]> it = old.all()) {
            it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value)));
        }
        byte[] oneWindow = old.fetch(key(3), 3_000L);
        old.commit(Map.of(CHANGELOG, 399L));
        old.close();

        WindowStore<Bytes, byte[]> upgraded = init(
                SedimentStores.timestampedWindowStoreWithHeaders("w", retention, size, false).get(), context(dir));
        try {
            assertInstanceOf(HeadersBytesStore.class, upgraded);
            assertEquals(399L, upgraded.committedOffset(CHANGELOG));
            assertEquals(headersOf(all), list(upgraded.all()));
            assertEquals(hex(HeadersBytesStore.convertToHeaderFormat(oneWindow)), hex(upgraded.fetch(key(3), 3_000L)));
            List<String> fetched = list(upgraded.fetch(key(3), 0, 1_000_000L));
            assertEquals(31, fetched.size(), fetched.toString());
            assertEquals(fetched, list(upgraded.fetch(key(3), Instant.EPOCH, Instant.ofEpochMilli(1_000_000L))));
            QueryResult<KeyValueIterator<Windowed<Bytes>, byte[]>> range = upgraded.query(
                    WindowRangeQuery.withWindowStartRange(Instant.EPOCH, Instant.ofEpochMilli(1_000_000L)),
                    PositionBound.unbounded(), NO_INFO);
            assertEquals(headersOf(all), list(range.getResult()));
        } finally {
            upgraded.close();
        }
        WindowStore<Bytes, byte[]> downgraded = SedimentStores.timestampedWindowStore("w", retention, size, false).get();
        assertThrows(ProcessorStateException.class, () -> init(downgraded, context(dir)));
    }

    @Test
    void aSessionStoreReadsBackInTheHeadersLayoutAfterItsUpgrade() {
        File dir = tmp.toFile();
        Duration retention = Duration.ofMinutes(10);
        SessionStore<Bytes, byte[]> old = init(SedimentStores.sessionStore("s", retention).get(), context(dir));
        for (int i = 0; i < 300; i++) {
            long start = i * 1_000L;
            old.put(new Windowed<>(key(i % 11), KafkaInternals.sessionWindow(start, start + 500)),
                    ("agg" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<KeyValue<Object, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<Windowed<Bytes>, byte[]> it = old.fetch(key(0), key(99))) {
            it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value)));
        }
        old.commit(Map.of(CHANGELOG, 299L));
        old.close();

        SessionStore<Bytes, byte[]> upgraded = init(SedimentStores.sessionStoreWithHeaders("s", retention).get(), context(dir));
        try {
            assertInstanceOf(HeadersBytesStore.class, upgraded);
            assertEquals(299L, upgraded.committedOffset(CHANGELOG));
            assertEquals(headersOf(all), list(upgraded.fetch(key(0), key(99))));
            assertEquals(hex(HeadersBytesStore.convertToHeaderFormat("agg22".getBytes(StandardCharsets.UTF_8))),
                    hex(upgraded.fetchSession(key(0), 22_000L, 22_500L)));
            QueryResult<KeyValueIterator<Windowed<Bytes>, byte[]>> byKey = upgraded.query(WindowRangeQuery.withKey(key(4)),
                    PositionBound.unbounded(), NO_INFO);
            assertEquals(list(upgraded.fetch(key(4))), list(byKey.getResult()));
        } finally {
            upgraded.close();
        }
        SessionStore<Bytes, byte[]> downgraded = SedimentStores.sessionStore("s", retention).get();
        assertThrows(ProcessorStateException.class, () -> init(downgraded, context(dir)));
    }
}
