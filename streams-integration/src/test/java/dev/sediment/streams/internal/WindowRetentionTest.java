package dev.sediment.streams.internal;

import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention drops expired windows as whole tables, never with a tombstone per record: over a run forty
 * retention periods long the store's disk use stays flat, the tables of expired segments leave the disk, late
 * records are refused and counted, and reads never return an expired window.
 */
class WindowRetentionTest {
    private static final long RETENTION = 2_000;
    private static final long SEGMENT = 1_000;
    private static final TopicPartition CHANGELOG = new TopicPartition("changelog", 0);

    @TempDir
    Path dir;

    /**
     * Bytes of the store's tables on disk; one deleted while listing counts 0 (File.length of a missing file).
     * The manifest is left out: it grows with commit points up to its rotation size (4 MiB), then starts over.
     */
    private static long tableBytes(Path storeDir) {
        File[] files = storeDir.toFile().listFiles((d, n) -> n.endsWith(".sst"));
        long sum = 0;
        for (File f : files == null ? new File[0] : files) {
            sum += f.length();
        }
        return sum;
    }

    @Test
    void expiredSegmentsLeaveTheDiskAsWholeTables() {
        Properties props = new Properties();
        props.put(SedimentConfig.MEMTABLE_BYTES, Long.toString(64 << 10));
        props.put(SedimentConfig.COMPRESSION, "none");
        CapturingStateStoreContext context = new CapturingStateStoreContext(dir.toFile(), props);
        SedimentWindowStore store = new SedimentWindowStore("windows", RETENTION, SEGMENT, 100, false, false);
        store.init(context, store);
        Path storeDir = dir.resolve("windows");
        byte[] value = new byte[100];
        long records = 40 * RETENTION * 2; // two records per millisecond, forty retention periods
        long maxEarly = 0;
        long maxLate = 0;
        long writtenBytes = 0;
        StringBuilder samples = new StringBuilder();
        try {
            for (long i = 0; i < records; i++) {
                long time = i / 2;
                store.put(Bytes.wrap(("key" + (i % 50)).getBytes()), value, time);
                writtenBytes += 100 + 20;
                if (i % 1_000 == 999) {
                    store.commit(Map.of(CHANGELOG, i));
                    long disk = tableBytes(storeDir);
                    samples.append(time / RETENTION).append(':').append(disk / 1024).append("K ");
                    if (time >= 3 * RETENTION && time < 10 * RETENTION) {
                        maxEarly = Math.max(maxEarly, disk);
                    } else if (time >= 30 * RETENTION) {
                        maxLate = Math.max(maxLate, disk);
                    }
                }
            }
            SegmentedStoreCore segmented = store.segmented();
            long streamTime = segmented.observedStreamTime();
            assertEquals(records / 2 - 1, streamTime);
            assertTrue(segmented.droppedTables() > 10, "tables dropped by retention: " + segmented.droppedTables());
            // Flat: the last quarter of the run holds no more on disk than the start did, within compaction's slack,
            // and far less than what was written.
            assertTrue(maxLate <= 2 * maxEarly, "disk late " + maxLate + " vs early " + maxEarly + "; by retention period: " + samples);
            assertTrue(maxLate < writtenBytes / 4, "disk " + maxLate + " of " + writtenBytes + " written");
            // Entries (tombstones counted) stay about one retention period's worth: no tombstone per expired record.
            long live = (RETENTION + 2 * SEGMENT) * 2;
            long entries = segmented.core.requireOpen().stats().approximateEntries();
            assertTrue(entries <= 2 * live, "entries " + entries + " vs about " + live + " live");

            // A late record is refused and counted; an expired window is never read.
            long expiredBefore = segmented.expiredRecords();
            store.put(Bytes.wrap("late".getBytes()), value, streamTime - 3 * RETENTION);
            assertEquals(expiredBefore + 1, segmented.expiredRecords());
            assertNull(store.fetch(Bytes.wrap("late".getBytes()), streamTime - 3 * RETENTION));
            try (var it = store.fetch(Bytes.wrap("key7".getBytes()), 0, Long.MAX_VALUE)) {
                while (it.hasNext()) {
                    assertTrue(it.next().key > streamTime - RETENTION, "expired window returned");
                }
            }
            try (var it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<Windowed<Bytes>, byte[]> kv = it.next();
                    assertTrue(kv.key.window().start() > streamTime - RETENTION, "expired window returned: " + kv.key);
                }
            }
        } finally {
            store.close();
        }
    }
}
