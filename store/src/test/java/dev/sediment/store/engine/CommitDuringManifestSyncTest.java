package dev.sediment.store.engine;

import dev.sediment.store.RevisionOptions;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /**
     * The manifest outgrows its snapshot after a few commit points; the sync after that rotates it, and while
     * the rotation is held (before the new manifest is created, or at its sync) commits go on. They must all
     * be in the new manifest once CURRENT names it: those appended before it took over (repeated from the old
     * one) and those after.
     */
    @Test
    void aCommitDoesNotWaitForAManifestRotation() throws Exception {
        rotationWhileCommitting(false);
        rotationWhileCommitting(true);
    }

    private void rotationWhileCommitting(boolean holdBeforeTheSnapshot) throws Exception {
        MemFileSystem mem = new MemFileSystem();
        GatedSyncFileSystem fs = new GatedSyncFileSystem(mem, holdBeforeTheSnapshot);
        StoreOptions opts = options(fs, Duration.ofMinutes(10)).toBuilder().maxManifestBytes(1024).build();
        long offset = 0;
        List<String> manifestsBefore;
        try (Engine store = Engine.open(DIR, opts)) {
            manifestsBefore = manifests(mem);
            fs.close();
            CompletableFuture<Void> sync;
            try {
                long from = offset;
                CompletableFuture<Void> commits = CompletableFuture.runAsync(() -> {
                    for (long o = from; o < from + 100; o++) {
                        store.put(b("k" + o), b("v" + o));
                        store.commit(Map.of("t-0", o), null); // the manifest outgrows 1 KiB and its snapshot
                    }
                });
                commits.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
                offset += 100;
                sync = CompletableFuture.runAsync(() -> {
                    try {
                        store.syncManifest(); // rotates first: the new manifest's sync waits at the gate
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertTrue(fs.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "nothing synced the manifest");
                for (int i = 0; i < 20; i++, offset++) {
                    store.put(b("k" + offset), b("v" + offset));
                    commitWithin(store, Map.of("t-0", offset), "a manifest rotation");
                }
            } finally {
                fs.open();
            }
            sync.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            store.syncManifest();
            List<String> after = manifests(mem);
            assertEquals(1, after.size(), "one live manifest: " + after);
            assertTrue(!after.equals(manifestsBefore), "the manifest was rotated: " + manifestsBefore + " -> " + after);
        }
        try (Engine store = Engine.open(DIR, options(new GatedSyncFileSystem(mem), Duration.ofMinutes(10)))) {
            assertEquals(Map.of("t-0", offset - 1), store.committedOffsets());
            for (long o = 0; o < offset; o++) {
                assertArrayEquals(b("v" + o), store.get(b("k" + o)), "k" + o);
            }
        }
    }

    private static List<String> manifests(MemFileSystem fs) throws java.io.IOException {
        return fs.list(DIR).stream().filter(n -> n.startsWith("MANIFEST-")).sorted().toList();
    }

    /**
     * A flush's install has synced its edit and waits for the state lock; a commit logs and installs its point
     * meanwhile (this thread holds the lock, which a commit may take again). The install must swap in a version
     * that keeps that point: it once read the set's version before taking the lock, so the point vanished from
     * the read state and a committed snapshot read at the point before.
     */
    @Test
    void aFlushInstallKeepsACommitInstalledWhileItWaitedForTheStateLock() throws Exception {
        MemFileSystem mem = new MemFileSystem();
        GatedSyncFileSystem fs = new GatedSyncFileSystem(mem);
        try (Engine store = Engine.open(DIR, options(fs, Duration.ZERO))) {
            store.put(b("a"), b("1"));
            long first = store.commit(Map.of("t-0", 1L), null);
            store.syncManifest();
            fs.close();
            CompletableFuture<Void> flush = CompletableFuture.runAsync(store::flush);
            long second;
            try {
                assertTrue(fs.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "the flush never synced the manifest");
                store.put(b("b"), b("2"));
            } catch (Throwable t) {
                fs.open();
                throw t;
            }
            // The lock is taken before the sync may end, so the install cannot get past it first.
            synchronized (store.stateLock()) {
                fs.open();
                awaitBlockedIn("VersionInstaller.install", store.stateLock());
                second = store.commit(Map.of("t-0", 2L), null);
                assertEquals(second, store.currentVersion().lastCommitPoint().revision());
            }
            flush.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertEquals(second, store.currentVersion().lastCommitPoint().revision(),
                    "the flush's install dropped the commit point installed while it waited");
            assertTrue(store.currentVersion().flushedRevision() >= first);
            assertEquals(Map.of("t-0", 2L), store.committedOffsets());
        }
    }

    /** Waits until a thread whose stack holds {@code frame} is blocked on {@code lock}'s monitor. */
    private static void awaitBlockedIn(String frame, Object lock) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int id = System.identityHashCode(lock);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 16)) {
                if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
                        && info.getLockInfo().getIdentityHashCode() == id
                        && java.util.Arrays.stream(info.getStackTrace()).anyMatch(f -> (f.getClassName()
                                .substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                                .equals(frame))) {
                    return;
                }
            }
            Thread.yield();
        }
        fail("no thread blocked on the state lock in " + frame);
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
