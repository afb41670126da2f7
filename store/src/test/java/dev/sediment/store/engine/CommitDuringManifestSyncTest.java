package dev.sediment.store.engine;

import dev.sediment.store.RevisionOptions;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A commit appends its commit point without a sync (design §5: commit is cheap), so it must not wait for
 * another thread's manifest sync: the periodic check's, or a flush's whose install is in flight. The
 * manifest syncs here wait on a gate; a commit that waited for them would never return while it is closed.
 */
@Timeout(60)
class CommitDuringManifestSyncTest {
    private static final Path DIR = Path.of("/commit-sync/store");
    private static final long DEADLINE_SECONDS = 20;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(GatedSyncFileSystem fs, Duration maxReplayAge) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(64 << 20)
                .revisions(RevisionOptions.builder().maxReplayAge(maxReplayAge).build()).build();
    }

    /** Commits on another thread and returns its revision; fails if it does not return by the deadline. */
    private static long commitWithin(Engine store, Map<String, Long> offsets, String what) throws Exception {
        CompletableFuture<Long> commit = CompletableFuture.supplyAsync(() -> store.commit(offsets, null));
        try {
            return commit.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the commit waited for " + what);
            throw e;
        } catch (ExecutionException e) {
            throw new AssertionError("the commit failed", e.getCause());
        }
    }

    @Test
    void aCommitDoesNotWaitForThePeriodicSync() throws Exception {
        MemFileSystem mem = new MemFileSystem();
        GatedSyncFileSystem fs = new GatedSyncFileSystem(mem);
        long second;
        try (Engine store = Engine.open(DIR, options(fs, Duration.ofMillis(40)))) {
            store.put(b("a"), b("1"));
            store.commit(Map.of("t-0", 1L), null); // unsynced: the check will sync it
            fs.close();
            try {
                assertTrue(fs.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the check never synced the manifest");
                store.put(b("b"), b("2"));
                second = commitWithin(store, Map.of("t-0", 2L), "the periodic manifest sync");
                assertEquals(Map.of("t-0", 2L), store.committedOffsets());
                assertEquals(second, store.currentVersion().lastCommitPoint().revision());
            } finally {
                fs.open();
            }
        }
        try (Engine store = Engine.open(DIR, options(new GatedSyncFileSystem(mem), Duration.ofMillis(40)))) {
            assertEquals(Map.of("t-0", 2L), store.committedOffsets());
            assertArrayEquals(b("2"), store.get(b("b")));
        }
    }

    @Test
    void aCommitDoesNotWaitForAFlushWhoseManifestEditIsSyncing() throws Exception {
        MemFileSystem mem = new MemFileSystem();
        GatedSyncFileSystem fs = new GatedSyncFileSystem(mem);
        try (Engine store = Engine.open(DIR, options(fs, Duration.ZERO))) {
            store.put(b("a"), b("1"));
            long first = store.commit(Map.of("t-0", 1L), null);
            store.syncManifest(); // nothing unsynced: only the flush's edit will sync the manifest now
            fs.close();
            CompletableFuture<Void> flush;
            long second;
            try {
                flush = CompletableFuture.runAsync(store::flush);
                assertTrue(fs.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the flush never synced the manifest");
                store.put(b("b"), b("2"));
                second = commitWithin(store, Map.of("t-0", 2L), "the flush's manifest sync");
                assertArrayEquals(b("1"), store.get(b("a")));
                assertEquals(second, store.currentVersion().lastCommitPoint().revision());
                assertTrue(store.recoveryRevision().orElse(-1) < second,
                        "the commit point is not durable before the manifest is synced");
            } finally {
                fs.open();
            }
            flush.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            // The flush's install kept the commit point logged while its edit was syncing.
            assertEquals(second, store.currentVersion().lastCommitPoint().revision());
            assertTrue(store.currentVersion().flushedRevision() >= first);
            store.syncManifest();
            assertEquals(first, store.recoveryRevision().orElse(-1), "the flushed commit point is the recovery point");
        }
        try (Engine store = Engine.open(DIR, options(new GatedSyncFileSystem(mem), Duration.ZERO))) {
            assertEquals(Map.of("t-0", 2L), store.committedOffsets());
            assertArrayEquals(b("1"), store.get(b("a")));
            assertArrayEquals(b("2"), store.get(b("b")));
        }
    }
}
