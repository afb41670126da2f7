package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store through MockProcessorContext: offsets (KIP-1035), rollback, position, restore, IQv2, 0xFF prefixes. */
class SedimentKeyValueStoreTest {
    private static final TopicPartition CHANGELOG = new TopicPartition("app-store-changelog", 0);
    private static final TopicPartition OTHER = new TopicPartition("app-store-changelog", 1);

    @TempDir
    Path tmp;

    private static Bytes k(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private CapturingStateStoreContext context() {
        return new CapturingStateStoreContext(tmp.toFile(), new Properties());
    }

    private SedimentKeyValueStore open(CapturingStateStoreContext ctx) {
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        store.init(ctx, store);
        return store;
    }

    @Test
    void initRegistersTheRootKeepsFilesInItsDirectoryAndIsIdempotent() {
        CapturingStateStoreContext ctx = context();
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        SedimentKeyValueStore root = new SedimentKeyValueStore("store");
        store.init(ctx, root);
        assertSame(root, ctx.registeredRoot, "the root, not the inner store, is registered");
        assertTrue(ctx.restoreCallback instanceof RecordBatchingStateRestoreCallback);
        store.put(k("a"), v("1"));
        store.init(ctx, root); // a second init does not reopen (or lose) anything
        assertArrayEquals(v("1"), store.get(k("a")));
        assertTrue(store.isOpen() && store.persistent() && store.managesOffsets());
        store.close();
        store.close(); // idempotent
        assertFalse(store.isOpen());
        assertTrue(Files.isDirectory(tmp.resolve("store")), "files live in stateDir()/<store name>");
    }

    @Test
    void committedOffsetsFollowKip1035SemanticsAndSurviveReopen() {
        SedimentKeyValueStore store = open(context());
        assertNull(store.committedOffset(CHANGELOG), "never committed");
        store.put(k("a"), v("1"));
        store.commit(Map.of(CHANGELOG, 10L, OTHER, 20L));
        assertEquals(10L, store.committedOffset(CHANGELOG));
        Map<TopicPartition, Long> removeOne = new HashMap<>();
        removeOne.put(OTHER, null);
        store.commit(removeOne);
        assertNull(store.committedOffset(OTHER), "a null value removes that partition");
        assertEquals(10L, store.committedOffset(CHANGELOG), "and keeps the others");
        store.commit(Map.of(CHANGELOG, -4L));
        assertEquals(-4L, store.committedOffset(CHANGELOG), "sentinels are stored as given");
        store.commit(Map.of(CHANGELOG, 11L, OTHER, 3L));
        store.close();

        store = open(context());
        assertEquals(11L, store.committedOffset(CHANGELOG), "reopen returns the last committed value");
        assertEquals(3L, store.committedOffset(OTHER));
        assertArrayEquals(v("1"), store.get(k("a")));
        store.commit(Map.of());
        assertNull(store.committedOffset(CHANGELOG), "an empty map removes all");
        assertNull(store.committedOffset(OTHER));
        store.close();
        store = open(context());
        assertNull(store.committedOffset(CHANGELOG));
        store.close();
    }

    @Test
    void writesAfterTheLastCommitAreRolledBackOnReopen() {
        SedimentKeyValueStore store = open(context());
        store.put(k("a"), v("1"));
        store.put(k("b"), v("1"));
        store.commit(Map.of(CHANGELOG, 5L));
        store.put(k("a"), v("2"));
        store.delete(k("b"));
        store.put(k("c"), v("2"));
        assertTrue(store.approximateNumUncommittedBytes() > 0);
        store.close();

        store = open(context());
        assertEquals(5L, store.committedOffset(CHANGELOG));
        assertArrayEquals(v("1"), store.get(k("a")), "the state the offsets describe");
        assertArrayEquals(v("1"), store.get(k("b")));
        assertNull(store.get(k("c")));
        assertEquals(0, store.approximateNumUncommittedBytes());
        store.close();
    }

    @Test
    void positionIsUpdatedOnWritesPersistedWithTheCommitAndRestoredOnOpen() {
        CapturingStateStoreContext ctx = context();
        SedimentKeyValueStore store = open(ctx);
        ctx.setRecordMetadata("input", 0, 41);
        store.put(k("a"), v("1"));
        ctx.setRecordMetadata("input", 2, 7);
        store.putAll(List.of(KeyValue.pair(k("b"), v("1"))));
        Position expected = Position.emptyPosition().withComponent("input", 0, 41).withComponent("input", 2, 7);
        assertEquals(expected, store.getPosition());
        store.commit(Map.of(CHANGELOG, 1L));
        ctx.setRecordMetadata("input", 0, 99);
        store.put(k("c"), v("1")); // not committed: neither the write nor its position survive
        store.close();

        store = open(context());
        assertEquals(expected, store.getPosition());
        store.close();
    }

    @Test
    void restoreAppliesChangelogBatchesAndOffsetsCommittedDuringRestoreBecomeCommitPoints() {
        restore(new Properties(), 500, 10);
    }

    @Test
    void restoreGathersBatchesIntoRunsWrittenStraightToTables() {
        Properties small = new Properties();
        small.put(SedimentConfig.MEMTABLE_BYTES, 32L << 10); // runs of 32 KiB: many go through Store.ingest
        restore(small, 1_000, 100);
    }

    @Test
    void restoreBatchesAreGatheredIntoRunsNotAppliedOneByOneThroughTheMemtable() {
        Properties props = new Properties();
        props.put(SedimentConfig.MEMTABLE_BYTES, 256L << 10);
        props.put(SedimentConfig.RESTORE_RUN_BYTES, 256L << 10);
        CapturingStateStoreContext ctx = new CapturingStateStoreContext(tmp.toFile(), props);
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        store.init(ctx, store);
        RecordBatchingStateRestoreCallback restore = (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
        Map<String, String> model = new HashMap<>();
        long offset = 0;
        for (int batch = 0; batch < 100; batch++) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 100; i++, offset++) {
                String key = "k" + (offset * 7919 % 3000);
                String value = "v" + offset + "x".repeat(100);
                records.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, offset, key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
                model.put(key, value);
            }
            restore.restoreBatch(records);
            if (batch % 10 == 9) {
                store.commit(Map.of(CHANGELOG, offset - 1)); // every ~120 KB, as the state updater checkpoints
            }
        }
        assertEquals(model, contents(store));
        assertEquals(offset - 1, store.committedOffset(CHANGELOG));
        Object flushed = ctx.metrics().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("memtable-bytes-flushed-total"))
                .map(e -> e.getValue().metricValue()).findFirst().orElseThrow();
        assertEquals(0L, ((Number) flushed).longValue(), "restored records went through the memtable");
        store.close();
    }

    /**
     * IQv2 holds the store's position while it reads (StoreQueryUtils), and a read drains the restore
     * buffer; draining must not take the position itself, or a processing read that drains a pending
     * restore commit and a query deadlock (found by the two-instances end-to-end test).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryHoldingThePositionAndAReadDrainingARestoreCommitDoNotDeadlock() throws Exception {
        CapturingStateStoreContext ctx = new CapturingStateStoreContext(tmp.toFile(), new Properties());
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        store.init(ctx, store);
        RecordBatchingStateRestoreCallback restore = (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new ConsumerRecord<>(CHANGELOG.topic(), CHANGELOG.partition(), i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        restore.restoreBatch(records);
        store.commit(Map.of(CHANGELOG, 9L)); // deferred: recorded when the gathered records are applied
        Thread reader = new Thread(() -> store.get(k("k1")), "processing-read");
        synchronized (store.getPosition()) { // as a running IQv2 query does
            reader.start();
            reader.join(2_000); // the read drains the buffer and records the commit without the position
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) { // the query's own read drains too
                assertTrue(it.hasNext());
            }
        }
        reader.join();
        assertEquals(9L, store.committedOffset(CHANGELOG));
        store.close();
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void restoreUnderATightBudgetWhileAnotherStoreWritesNeitherDeadlocksNorLosesRecords() throws Exception {
        Properties tight = new Properties();
        tight.put(SedimentConfig.MEMORY_BYTES, 1L << 20);       // 512 KiB of memtables for both stores
        tight.put(SedimentConfig.MEMTABLE_BYTES, 4L << 20);     // runs larger than the budget: memory decides
        CapturingStateStoreContext restoringCtx = new CapturingStateStoreContext(tmp.resolve("a").toFile(), tight);
        SedimentKeyValueStore restoring = new SedimentKeyValueStore("store");
        restoring.init(restoringCtx, restoring);
        SedimentKeyValueStore writing = new SedimentKeyValueStore("store");
        writing.init(new CapturingStateStoreContext(tmp.resolve("b").toFile(), tight), writing);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 5_000; i++) {
                writing.put(k("w" + i), new byte[200]);
            }
        });
        writer.start();
        RecordBatchingStateRestoreCallback restore = (RecordBatchingStateRestoreCallback) restoringCtx.restoreCallback;
        long offset = 0;
        for (int batch = 0; batch < 30; batch++) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 500; i++, offset++) {
                records.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, offset, ("r" + offset).getBytes(StandardCharsets.UTF_8),
                        new byte[200]));
            }
            restore.restoreBatch(records);
        }
        writer.join();
        restoring.commit(Map.of(CHANGELOG, offset - 1));
        assertEquals(15_000, contents(restoring).size());
        assertEquals(5_000, contents(writing).size());
        assertTrue(dev.sediment.streams.internal.SharedRuntime.current().writeBufferBudget().peakBytes() < 2L << 20);
        restoring.close();
        writing.close();
    }

    private void restore(Properties props, int batchSize, int valueBytes) {
        CapturingStateStoreContext ctx = new CapturingStateStoreContext(tmp.toFile(), props);
        SedimentKeyValueStore store = new SedimentKeyValueStore("store");
        store.init(ctx, store);
        RecordBatchingStateRestoreCallback restore = (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
        long offset = 0;
        Map<String, String> model = new HashMap<>();
        String padding = "x".repeat(valueBytes);
        for (int batch = 0; batch < 20; batch++) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            String lastKey = null;
            for (int i = 0; i < batchSize; i++, offset++) {
                String key = "k" + (offset * 31 % 1000);
                String value = offset % 7 == 0 ? null : "v" + offset + padding;
                records.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, offset, key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
                if (value == null) {
                    model.remove(key);
                } else {
                    model.put(key, value);
                }
                lastKey = key;
            }
            restore.restoreBatch(records);
            String expected = model.get(lastKey);
            byte[] got = store.get(k(lastKey)); // reads see every restored record, gathered or not
            assertEquals(expected, got == null ? null : new String(got, StandardCharsets.UTF_8));
            if (batch % 3 == 2) {
                store.commit(Map.of(CHANGELOG, offset - 1)); // as DefaultStateUpdater checkpoints restoring tasks
            }
        }
        store.commit(Map.of(CHANGELOG, offset - 1));
        assertEquals(model, contents(store));
        store.close();

        store = open(context());
        assertEquals(offset - 1, store.committedOffset(CHANGELOG));
        assertEquals(model, contents(store));
        store.close();
    }

    private static Map<String, String> contents(SedimentKeyValueStore store) {
        Map<String, String> m = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> m.put(new String(kv.key.get(), StandardCharsets.UTF_8),
                    new String(kv.value, StandardCharsets.UTF_8)));
        }
        return m;
    }

    @Test
    void prefixScanEndingIn0xFFReturnsOnlyKeysWithThePrefix() {
        SedimentKeyValueStore store = open(context());
        byte[] p = {1, (byte) 0xFF};
        store.put(Bytes.wrap(new byte[] {1, (byte) 0xFF}), v("in1"));
        store.put(Bytes.wrap(new byte[] {1, (byte) 0xFF, 0}), v("in2"));
        store.put(Bytes.wrap(new byte[] {2}), v("out"));
        store.put(Bytes.wrap(new byte[] {1, (byte) 0xFE}), v("out"));
        List<String> seen = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(p, Serdes.ByteArray().serializer())) {
            it.forEachRemaining(kv -> seen.add(new String(kv.value, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of("in1", "in2"), seen);
        store.close();
    }

    @Test
    void iteratorsSurviveConcurrentWritesAndCloseWithTheStore() {
        SedimentKeyValueStore store = open(context());
        for (int i = 0; i < 100; i++) {
            store.put(k(String.format("%03d", i)), v("x"));
        }
        KeyValueIterator<Bytes, byte[]> it = store.all();
        int n = 0;
        while (it.hasNext()) {
            it.next();
            store.put(k("zzz" + n), v("new")); // writes during iteration are not seen
            store.delete(k(String.format("%03d", 99 - n)));
            n++;
        }
        assertEquals(100, n);
        KeyValueIterator<Bytes, byte[]> open = store.range(k("000"), k("050"));
        store.close();
        try {
            open.hasNext();
            throw new AssertionError("an iterator must be closed with its store");
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException expected) {
            // closed
        }
    }

    @Test
    void iqv2KeyAndRangeQueriesBothOrdersPositionBoundAndUnknownQueries() {
        CapturingStateStoreContext ctx = context();
        SedimentKeyValueStore store = open(ctx);
        for (int i = 0; i < 5; i++) {
            ctx.setRecordMetadata("input", 0, i);
            store.put(k("k" + i), v("v" + i));
        }
        QueryConfig collect = new QueryConfig(true);
        QueryResult<byte[]> key = store.query(KeyQuery.withKey(k("k3")), PositionBound.unbounded(), collect);
        assertTrue(key.isSuccess());
        assertArrayEquals(v("v3"), key.getResult());
        assertFalse(key.getExecutionInfo().isEmpty(), "execution info collected when asked");
        assertEquals(Position.emptyPosition().withComponent("input", 0, 4), key.getPosition());

        assertEquals(List.of("k1", "k2", "k3"), keys(store.query(RangeQuery.withRange(k("k1"), k("k3")),
                PositionBound.unbounded(), collect)));
        assertEquals(List.of("k3", "k2", "k1"), keys(store.query(RangeQuery.<Bytes, byte[]>withRange(k("k1"), k("k3"))
                .withDescendingKeys(), PositionBound.unbounded(), collect)));
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), keys(store.query(RangeQuery.<Bytes, byte[]>withNoBounds()
                .withAscendingKeys(), PositionBound.unbounded(), collect)));
        assertEquals(List.of("k4", "k3", "k2", "k1", "k0"), keys(store.query(RangeQuery.<Bytes, byte[]>withNoBounds()
                .withDescendingKeys(), PositionBound.unbounded(), collect)));

        QueryResult<byte[]> ahead = store.query(KeyQuery.withKey(k("k3")),
                PositionBound.at(Position.emptyPosition().withComponent("input", 0, 5)), collect);
        assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());
        assertTrue(store.query(KeyQuery.withKey(k("k3")),
                PositionBound.at(Position.emptyPosition().withComponent("input", 0, 4)), collect).isSuccess());

        QueryResult<?> unknown = store.query(WindowKeyQuery.withKeyAndWindowStartRange(k("k1"), Instant.EPOCH,
                Instant.EPOCH), PositionBound.unbounded(), collect);
        assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, unknown.getFailureReason());
        store.close();
    }

    private static List<String> keys(QueryResult<KeyValueIterator<Bytes, byte[]>> result) {
        assertTrue(result.isSuccess(), () -> result.toString());
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = result.getResult()) {
            it.forEachRemaining(kv -> keys.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
        }
        return keys;
    }

    @Test
    void storesShareOneRuntimeThatIsReleasedWithTheLastStore() {
        assertEquals(0, dev.sediment.streams.internal.SharedRuntime.users());
        SedimentKeyValueStore a = open(context());
        SedimentKeyValueStore b = new SedimentKeyValueStore("other");
        b.init(context(), b);
        assertEquals(2, dev.sediment.streams.internal.SharedRuntime.users());
        a.close();
        assertTrue(dev.sediment.streams.internal.SharedRuntime.current() != null);
        b.close();
        assertNull(dev.sediment.streams.internal.SharedRuntime.current());
        assertTrue(new File(tmp.toFile(), "other").isDirectory());
    }
}
