package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBufferBudget;
import dev.sediment.store.fs.FaultInjectingFileSystem;
import dev.sediment.store.fs.MemFileSystem;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs gathered across restore batches, written off the restore thread, commits placed exactly between runs. */
@Timeout(60)
class RestoreBufferTest {
    private static final Path DIR = Path.of("/restore");
    private static final long MEMTABLE = 64 << 10;
    private final Set<String> writerThreads = ConcurrentHashMap.newKeySet();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
        writerThreads.add(Thread.currentThread().getName());
        r.run();
    }, "test-restore-writer"));
    private final WriteBufferBudget budget = new WriteBufferBudget(64L << 20);
    private long offset;

    @AfterEach
    void stopWriter() {
        writer.shutdownNow();
    }

    private static StoreOptions options(dev.sediment.store.fs.FileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(MEMTABLE).build();
    }

    private RestoreBuffer buffer(Store store) {
        return buffer(store, Duration.ofHours(1));
    }

    private RestoreBuffer buffer(Store store, Duration maxCommitDelay) {
        return new RestoreBuffer(store, budget, MEMTABLE, MEMTABLE / 4, writer, maxCommitDelay);
    }

    /** A changelog batch of {@code n} records over 500 keys, each ~110 bytes; recorded in {@code model}. */
    private List<ConsumerRecord<byte[], byte[]>> batch(int n, TreeMap<String, String> model) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < n; i++, offset++) {
            String key = "k" + (offset * 7919 % 500);
            String value = offset + "-" + "v".repeat(100);
            records.add(new ConsumerRecord<>("changelog", 0, offset, bytes(key), bytes(value)));
            model.put(key, value);
        }
        return records;
    }

    /** Adds a batch with a stand-in position: the count of records added so far. */
    private void add(RestoreBuffer buffer, List<ConsumerRecord<byte[], byte[]>> records) {
        buffer.add(records, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static TreeMap<String, String> contents(Store store) {
        TreeMap<String, String> m = new TreeMap<>();
        try (StoreIterator it = store.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                m.put(new String(it.key(), StandardCharsets.UTF_8), new String(it.value(), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    @Test
    void smallBatchesAreGatheredIntoRunsThatTheWriterThreadIngests() {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(DIR, options(new MemFileSystem()))) {
            RestoreBuffer buffer = buffer(store);
            for (int b = 0; b < 60; b++) {
                add(buffer, batch(50, model)); // ~5.5 KB a batch: about 12 batches to a run
            }
            buffer.drain();
            assertTrue(buffer.isEmpty());
            assertEquals(model, contents(store));
            assertEquals(0, store.stats().flushes().count(), "runs went through the memtable: " + store.stats());
            assertEquals(Set.of("test-restore-writer"), writerThreads, "no run was written off the restore thread");
            int tables = store.stats().tables().files();
            // A run of half a memtable or more is written as two key-disjoint tables.
            assertTrue(tables >= 1 && tables <= 12, "two tables per run at most, got " + store.stats().tables().levels());
            buffer.close();
        }
        assertEquals(0, budget.usedBytes(), "the buffer gave back every byte it charged");
    }

    @Test
    void aCommitDuringRestoreIsRecordedWhenTheRunInProgressIsAppliedWithItsLastOffset() {
        MemFileSystem fs = new MemFileSystem();
        TreeMap<String, String> firstRun = new TreeMap<>();
        try (Store store = Store.open(DIR, options(fs))) {
            RestoreBuffer buffer = buffer(store);
            add(buffer, batch(300, firstRun)); // ~33 KB of a 64 KiB run
            assertTrue(buffer.commitAfterGathered(Map.of("changelog-0", offset - 1)), "no wait, no cut run");
            assertEquals(Map.of(), store.committedOffsets(), "nothing is applied yet, so nothing is committed");
            add(buffer, batch(400, firstRun)); // the run is full: it goes to the writer with the commit
            long runEnd = offset - 1;
            TreeMap<String, String> all = new TreeMap<>(firstRun);
            add(buffer, batch(100, all)); // gathered after the run, not covered by its commit
            buffer.drain();
            assertEquals(Map.of("changelog-0", runEnd), store.committedOffsets(),
                    "the commit point names the last record of the run it follows");
            assertArrayEquals(Long.toString(runEnd + 1).getBytes(StandardCharsets.UTF_8), store.committedPosition(),
                    "with the position as it was after that record");
            assertEquals(all, contents(store));
            store.flush(); // the commit point and everything gathered are durable
            try (Store reopened = Store.open(DIR, options(fs.crashClone()))) {
                assertEquals(Map.of("changelog-0", runEnd), reopened.committedOffsets());
                assertEquals(firstRun, contents(reopened), "what followed the commit point is rolled back");
            }
            buffer.close();
        }
    }

    @Test
    void aCommitRequestedWhileRecordsAreGatheredIsRecordedWhenTheyAreDrained() {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(DIR, options(new MemFileSystem()))) {
            RestoreBuffer buffer = buffer(store);
            add(buffer, batch(10, model));
            assertTrue(buffer.commitAfterGathered(Map.of("changelog-0", offset - 1)));
            buffer.drain();
            assertTrue(buffer.isEmpty());
            assertEquals(Map.of("changelog-0", offset - 1), store.committedOffsets());
            assertEquals(model, contents(store));
            buffer.close();
        }
    }

    @Test
    void aCommitWaitsForTheRunToFillOnlyUpToItsMaximumDelay() {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(DIR, options(new MemFileSystem()))) {
            RestoreBuffer buffer = buffer(store, Duration.ZERO); // a standby's trickle: commits are not held back
            add(buffer, batch(10, model));
            assertTrue(buffer.commitAfterGathered(Map.of("changelog-0", offset - 1)));
            assertTrue(buffer.isEmpty(), "applied at once");
            assertEquals(Map.of("changelog-0", offset - 1), store.committedOffsets());
            assertEquals(model, contents(store));
            buffer.close();
        }
    }

    @Test
    void aCommitOfOtherPartitionsOrWithNothingGatheredIsLeftToTheCallerAfterADrain() {
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(DIR, options(new MemFileSystem()))) {
            RestoreBuffer buffer = buffer(store);
            assertFalse(buffer.commitAfterGathered(Map.of("changelog-0", 5L)), "nothing gathered");
            add(buffer, batch(10, model));
            assertFalse(buffer.commitAfterGathered(Map.of()), "an empty map clears offsets: not deferred");
            assertTrue(buffer.isEmpty(), "applied before the caller commits");
            add(buffer, batch(10, model));
            assertFalse(buffer.commitAfterGathered(Map.of("changelog-0", 19L, "other-1", 3L)));
            assertEquals(model, contents(store));
            buffer.close();
        }
    }

    @Test
    void aRunThatFailsIsKeptAndItsFailureIsThrownByTheNextCall() {
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(new MemFileSystem());
        TreeMap<String, String> model = new TreeMap<>();
        try (Store store = Store.open(DIR, options(fs))) {
            RestoreBuffer buffer = buffer(store);
            fs.failAlways(FaultInjectingFileSystem.Op.CREATE, p -> p.toString().contains(".sst"));
            RuntimeException failure = null;
            for (int b = 0; b < 40 && failure == null; b++) {
                try {
                    add(buffer, batch(50, model));
                } catch (RuntimeException e) {
                    failure = e; // the failed run surfaced here; it and this batch are kept
                }
            }
            assertTrue(failure != null, "a failing run was never reported");
            assertThrows(RuntimeException.class, buffer::drain, "the table file still cannot be created");
            fs.clearFaults();
            buffer.drain();
            assertEquals(model, contents(store), "records of the failed run were lost");
            buffer.close();
        }
    }

}
