package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT;
import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The versioned store's own suite, covering the cases of Kafka's {@code RocksDBVersionedStoreTest} (written
 * anew): puts in and out of order with their validTo, tombstones, repeated timestamps, expiry of puts, deletes
 * and reads, empty versus null, multi-version queries both ways, restore (nulls, repeats, several batches,
 * expired records), zero history retention; and what Kafka's store lacks: the stream time kept across a reopen
 * and rolled back with the data, and old versions dropped by compaction.
 */
class SedimentVersionedStoreTest {
    private static final long HISTORY = 100;
    private static final long SEGMENT = 30;
    private static final TopicPartition CHANGELOG = new TopicPartition("app-v-changelog", 0);
    private static final Bytes K = key("k");

    @TempDir
    Path tmp;
    private CapturingStateStoreContext context;
    private SedimentVersionedStore store;

    private static Bytes key(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka's serialized ValueAndTimestamp. */
    private static byte[] vt(String value, long ts) {
        byte[] raw = v(value);
        return ByteBuffer.allocate(8 + raw.length).putLong(ts).put(raw).array();
    }

    private SedimentVersionedStore open(long history) {
        if (context == null) {
            context = new CapturingStateStoreContext(tmp.toFile(), new Properties());
        }
        store = (SedimentVersionedStore) SedimentStores.versionedKeyValueStore("v", Duration.ofMillis(history),
                Duration.ofMillis(SEGMENT)).get();
        store.init(context, store);
        return store;
    }

    private SedimentVersionedStore open() {
        return open(HISTORY);
    }

    private void reopen() {
        store.close();
        open();
    }

    @Test
    void putsReturnValidToInAndOutOfOrder() {
        open();
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("a"), 10));
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("c"), 50));
        assertEquals(50, store.put(K, v("b"), 30), "out of order: valid until the next newer version");
        assertEquals(10, store.put(K, v("a0"), 5));
        assertArrayEquals(vt("c", 50), store.get(K));
        assertArrayEquals(vt("b", 30), store.get(K, 49));
        assertArrayEquals(vt("a", 10), store.get(K, 29));
        assertArrayEquals(vt("a0", 5), store.get(K, 9));
        assertNull(store.get(K, 4), "before the first version");
        assertNull(store.get(key("other")));
        VersionedRecord<byte[]> b = store.getRecord(K, 40);
        assertArrayEquals(v("b"), b.value());
        assertEquals(30, b.timestamp());
        assertEquals(Optional.of(50L), b.validTo());
        assertEquals(Optional.empty(), store.getRecord(K, 60).validTo(), "the latest version has no validTo");
    }

    @Test
    void tombstonesEndVersionsAndDeleteReturnsTheRecordItReplaced() {
        open();
        store.put(K, v("a"), 10);
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, null, 20), "a null latest");
        assertNull(store.get(K));
        assertNull(store.get(K, 25));
        assertArrayEquals(vt("a", 10), store.get(K, 19));
        assertEquals(20, store.put(K, v("b"), 15), "older than a null latest: valid until the tombstone");
        assertEquals(15, store.put(K, null, 12), "an older tombstone");
        assertNull(store.get(K, 13));
        assertArrayEquals(vt("b", 15), store.get(K, 16));
        assertArrayEquals(vt("a", 10), store.delete(K, 11), "delete returns the record valid then");
        assertNull(store.get(K, 11));
        assertNull(store.delete(K, 11), "nothing valid any more at 11");
        assertNull(store.delete(key("none"), 30));
        assertNull(store.get(key("none"), 40));
        assertEquals(30, store.put(key("none"), v("x"), 25), "a tombstone alone still ends older puts");
    }

    @Test
    void repeatedTimestampsReplaceTheVersion() {
        open();
        store.put(K, v("a"), 10);
        store.put(K, v("b"), 20);
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("b2"), 20), "replaces the latest");
        assertEquals(20, store.put(K, v("a2"), 10), "replaces an older one, same validTo");
        assertArrayEquals(vt("b2", 20), store.get(K));
        assertArrayEquals(vt("a2", 10), store.get(K, 15));
        assertEquals(20, store.put(K, null, 10));
        assertNull(store.get(K, 15));
        store.put(K, v("a3"), 10);
        assertArrayEquals(vt("a3", 10), store.get(K, 15));
    }

    @Test
    void aTombstoneAtTheLatestTimestampAfterATombstoneLeavesNoTraceAsInKafka() {
        open();
        store.put(K, v("a"), 10);
        store.put(K, null, 20);
        store.put(K, v("b"), 30);
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, null, 30));
        assertNull(store.get(K));
        // Kafka's store kept nothing at 30 (the version before it was a tombstone): an older put is the latest.
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("c"), 25));
        assertArrayEquals(vt("c", 25), store.get(K));
        // After a value, the tombstone at the latest timestamp stays: the value before it ends there.
        store.put(K, v("d"), 40);
        store.put(K, v("e"), 50);
        store.put(K, null, 50);
        assertEquals(50, store.put(K, v("f"), 45));
        assertNull(store.get(K));
    }

    /** Seed 15535068396125 of VersionedStoreDifferentialTest, op 87005, reduced to its four puts. */
    @Test
    void aTombstoneAtTheLatestTimestampAfterAnOutOfOrderTombstoneStaysAsInKafka() {
        open();
        store.put(K, v("a"), 10);
        // Put below a newer version: Kafka keeps a null record valid from 5 to 10.
        assertEquals(10, store.put(K, null, 5));
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, null, 10));
        assertNull(store.get(K));
        // That record still ends at 10 once the value there is gone: an older put is valid until 10.
        assertEquals(10, store.put(K, v("b"), 7));
        assertNull(store.get(K));
        assertArrayEquals(vt("b", 7), store.get(K, 9));
        assertNull(store.get(K, 10));
        reopen();
        assertEquals(10, store.put(K, v("c"), 8), "the kind of tombstone survives a reopen");
    }

    @Test
    void expiredPutsDeletesAndReadsAsKafka() {
        open();
        store.put(K, v("a"), 10);
        store.put(K, v("b"), 50);
        store.put(key("clock"), v("x"), 200); // stream time 200: retention reaches back to 100
        assertEquals(PUT_RETURN_CODE_NOT_PUT, store.put(K, v("old"), 99));
        assertNull(store.delete(K, 99));
        assertArrayEquals(vt("b", 50), store.get(K), "the refused delete changed nothing");
        assertArrayEquals(vt("b", 50), store.get(K, 60), "beyond retention the latest answers if old enough");
        assertNull(store.get(K, 40), "older history is not readable beyond retention");
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("c"), 100), "at the cutoff: accepted");
        assertNull(store.get(K, 60), "the latest is newer than asked, and history there is expired");
        assertArrayEquals(vt("c", 100), store.get(K, 100));
        assertNull(store.get(K, 99), "beyond retention, and the latest is newer");
    }

    @Test
    void emptyValuesAreNotTombstones() {
        open();
        store.put(K, new byte[0], 10);
        assertArrayEquals(vt("", 10), store.get(K));
        store.put(K, null, 20);
        assertNull(store.get(K));
        assertArrayEquals(vt("", 10), store.get(K, 15));
    }

    @Test
    void multiVersionQueriesBothOrdersWithinRetention() {
        open();
        store.put(K, v("a"), 10);
        store.put(K, v("b"), 20);
        store.put(K, null, 30);
        store.put(K, v("c"), 40);
        assertEquals(List.of("c@40-", "b@20-30", "a@10-20"), history(K, 0, 100, false));
        assertEquals(List.of("a@10-20", "b@20-30", "c@40-"), history(K, 0, 100, true));
        assertEquals(List.of("b@20-30"), history(K, 20, 35, false), "overlapping the range, tombstones left out");
        assertEquals(List.of("b@20-30", "a@10-20"), history(K, 15, 25, false));
        assertEquals(List.of(), history(key("none"), 0, 100, false));
        store.put(key("clock"), v("x"), 145); // cutoff 45: segments from 30 (45 / 30 = 1) are live
        assertEquals(List.of("c@40-", "b@20-30"), history(K, 0, 200, false), "a@10-20 ends in a dropped segment");
        assertEquals(List.of(), history(K, 0, 39, false), "beyond retention: only the latest, if old enough");
        assertEquals(List.of("c@40-"), history(K, 0, 44, false));
    }

    private List<String> history(Bytes key, long from, long to, boolean ascending) {
        MultiVersionedKeyQuery<Bytes, byte[]> q = MultiVersionedKeyQuery.<Bytes, byte[]>withKey(key)
                .fromTime(Instant.ofEpochMilli(from)).toTime(Instant.ofEpochMilli(to));
        q = ascending ? q.withAscendingTimestamps() : q.withDescendingTimestamps();
        QueryResult<VersionedRecordIterator<byte[]>> r = store.query(q, PositionBound.unbounded(), new QueryConfig(false));
        assertTrue(r.isSuccess(), r::getFailureMessage);
        List<String> out = new ArrayList<>();
        try (VersionedRecordIterator<byte[]> it = r.getResult()) {
            while (it.hasNext()) {
                VersionedRecord<byte[]> rec = it.next();
                out.add(new String(rec.value(), StandardCharsets.UTF_8) + "@" + rec.timestamp() + "-"
                        + rec.validTo().map(String::valueOf).orElse(""));
            }
        }
        return out;
    }

    @Test
    void versionedKeyQueryLatestAndAsOf() {
        open();
        store.put(K, v("a"), 10);
        store.put(K, v("b"), 20);
        QueryResult<VersionedRecord<byte[]>> latest = store.query(VersionedKeyQuery.withKey(K),
                PositionBound.unbounded(), new QueryConfig(false));
        assertEquals("b", new String(latest.getResult().value(), StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), latest.getResult().validTo());
        QueryResult<VersionedRecord<byte[]>> asOf = store.query(VersionedKeyQuery.<Bytes, byte[]>withKey(K)
                .asOf(Instant.ofEpochMilli(15)), PositionBound.unbounded(), new QueryConfig(false));
        assertEquals(Optional.of(20L), asOf.getResult().validTo());
        assertTrue(store.query(org.apache.kafka.streams.query.KeyQuery.withKey(K), PositionBound.unbounded(),
                new QueryConfig(false)).getFailureReason().name().contains("UNKNOWN_QUERY_TYPE"));
        assertThrows(UnsupportedOperationException.class, () -> store.put(K, v("x")));
        assertThrows(UnsupportedOperationException.class, () -> store.all());
    }

    private static ConsumerRecord<byte[], byte[]> changelog(long offset, String key, String value, long ts) {
        return new ConsumerRecord<>(CHANGELOG.topic(), CHANGELOG.partition(), offset, ts, TimestampType.CREATE_TIME,
                -1, -1, v(key), value == null ? null : v(value), new RecordHeaders(), Optional.empty());
    }

    private void restore(List<ConsumerRecord<byte[], byte[]>> batch) {
        ((RecordBatchingStateRestoreCallback) context.restoreCallback).restoreBatch(batch);
    }

    @Test
    void restoresNullsRepeatsAndSeveralBatchesSkippingWhatAPutWouldRefuse() {
        open();
        restore(List.of(changelog(0, "k", "a", 10), changelog(1, "k", "b", 20), changelog(2, "k", null, 30),
                changelog(3, "k", "b2", 20), changelog(4, "j", "x", 5)));
        restore(List.of(changelog(5, "k", "c", 40), changelog(6, "clock", "t", 150),
                changelog(7, "k", "late", 49), // refused when put: 49 < 150 - 100
                changelog(8, "k", "kept", 50))); // 50 >= 150 - 100 at its turn
        store.commit(Map.of(CHANGELOG, 8L));
        assertEquals(8L, store.committedOffset(CHANGELOG));
        assertArrayEquals(vt("kept", 50), store.get(K));
        assertNull(store.get(K, 49), "c@40 ended at 50, beyond retention (cutoff 50)");
        assertArrayEquals(vt("kept", 50), store.get(K, 50));
        assertArrayEquals(vt("x", 5), store.get(key("j")), "the latest never expires");
        assertEquals(PUT_RETURN_CODE_NOT_PUT, store.put(K, v("y"), 49), "restore moved the stream time to 150");
        reopen();
        assertArrayEquals(vt("kept", 50), store.get(K));
        assertEquals(PUT_RETURN_CODE_NOT_PUT, store.put(K, v("y"), 49), "and it survived the reopen");
    }

    @Test
    void streamTimeSurvivesAReopenAndRollsBackWithTheData() {
        open();
        store.put(K, v("a"), 100);
        store.commit(Map.of(CHANGELOG, 1L));
        reopen();
        assertEquals(PUT_RETURN_CODE_NOT_PUT, store.put(K, v("old"), -1), "100 - 100 = 0 is the cutoff");
        store.commit(Map.of(CHANGELOG, 2L));
        store.put(K, v("b"), 300); // not committed: a reopen rolls it back, stream time included
        store.close();
        open();
        assertEquals(2L, store.committedOffset(CHANGELOG));
        assertArrayEquals(vt("a", 100), store.get(K));
        assertEquals(100, store.put(K, v("mid"), 50), "accepted at stream time 100; refused at 300");
    }

    @Test
    void zeroHistoryRetentionKeepsOnlyTheLatest() {
        open(0);
        store.put(K, v("a"), 10);
        store.put(K, v("b"), 20);
        assertEquals(PUT_RETURN_CODE_NOT_PUT, store.put(K, v("c"), 19));
        assertArrayEquals(vt("b", 20), store.get(K, 20));
        assertNull(store.get(K, 19));
        assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(K, v("b2"), 20));
    }

    @Test
    void compactionDropsVersionsNoReadCanSee() {
        open();
        for (int t = 0; t < 1000; t++) {
            store.put(K, v("v" + t), t);
        }
        store.put(K, null, 1000);
        store.commit(Map.of(CHANGELOG, 1L)); // compaction may forget what is older than this commit's cutoff
        Store engine = store.engine();
        engine.compactRange(null, null);
        List<Long> kept = new ArrayList<>();
        try (StoreIterator it = engine.iterator(KeyRange.prefix(VersionKeys.prefix(K.get())), false)) {
            for (; it.valid(); it.next()) {
                kept.add(VersionKeys.validFrom(it.key()));
            }
        }
        // A version is kept while its validTo (the next version's validFrom) is in a live segment.
        // Stream time 1000, cutoff 900, live segments from 900: v899 (valid until 900) is the oldest kept.
        assertEquals(1000 - 899 + 1, kept.size(), kept.toString());
        assertEquals(1000L, kept.get(0));
        assertEquals(899L, kept.get(kept.size() - 1));
        assertArrayEquals(vt("v950", 950), store.get(K, 950));
        assertArrayEquals(vt("v900", 900), store.get(K, 900));
        assertEquals(List.of("v900@900-901", "v899@899-900"), history(K, 0, 900, false));
    }
}
