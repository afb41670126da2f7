package dev.sediment.store.engine;

import dev.sediment.store.RevisionOptions;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded-replay check (design §5) of each store keeps making its commit points durable and flushed
 * whatever another store's check is doing, and after any reopen.
 */
@Timeout(60)
class BoundedReplayCheckTest {
    private static final Path DIR = Path.of("/replay/store");
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(FileSystem fs, Duration maxReplayAge) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(64 << 20)
                .revisions(RevisionOptions.builder().maxReplayAge(maxReplayAge).build()).build();
    }

    /** Waits until {@code rev} is the store's recovery point (or past it). */
    private static void awaitRecoveryPoint(Engine store, long rev, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (store.stats().revisions().recovery() < rev) {
            assertTrue(System.nanoTime() < deadline, what + ": the recovery point stayed at "
                    + store.stats().revisions().recovery() + ", below the commit point at " + rev);
            Thread.onSpinWait();
        }
    }

    @Test
    void aStoreWhoseManifestSyncHangsDoesNotHoldUpAnotherStoresReplayCheck() throws Exception {
        GatedSyncFileSystem slow = new GatedSyncFileSystem(new MemFileSystem());
        try (Engine stuck = Engine.open(DIR, options(slow, Duration.ofMillis(50)))) {
            stuck.put(b("a"), b("1"));
            stuck.commit(Map.of("t-0", 1L)); // an unsynced commit point: the check syncs the manifest
            slow.close();
            assertTrue(slow.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the check never synced");
            try (Engine other = Engine.open(DIR, options(new MemFileSystem(), Duration.ofMillis(50)))) {
                other.put(b("b"), b("2"));
                long rev = other.commit(Map.of("t-1", 1L));
                awaitRecoveryPoint(other, rev, "while another store's manifest sync hung");
            } finally {
                slow.open();
            }
        }
    }

    /**
     * What Kafka 4.4 does with transactional stores around a dirty close: writes after the last commit, a
     * close, a reopen that rolls them back, then writes and commits again. The reopened store's commit points
     * become the recovery point as the check ages them, whether or not a commit came before the first write.
     */
    @Test
    void afterACloseWithUncommittedWritesTheReopenedStoresCommitsBecomeTheRecoveryPoint() {
        for (int variant = 0; variant < 4; variant++) {
            MemFileSystem fs = new MemFileSystem();
            TestClock clock = new TestClock(1_700_000_000_000L);
            StoreOptions opts = options(fs, Duration.ofSeconds(1)).toBuilder().clock(clock).build();
            long committed;
            try (Engine store = Engine.open(DIR, opts)) {
                store.commit(Map.of());
                for (int i = 0; i < 100; i++) {
                    store.put(b("k" + i), b("v" + i));
                }
                committed = store.commit(Map.of("t-0", 100L));
                for (int i = 0; i < 50; i++) {
                    store.put(b("k" + i), b("uncommitted" + i));
                }
                if (variant % 2 == 1) {
                    store.commit(Map.of("t-0", 150L));
                    store.put(b("k0"), b("after the last commit"));
                }
            }
            try (Engine store = Engine.open(DIR, opts)) {
                assertEquals(variant % 2 == 1 ? Map.of("t-0", 150L) : Map.of("t-0", 100L), store.committedOffsets());
                if (variant >= 2) {
                    store.commit(Map.of("t-0", 151L)); // Kafka commits a restored task before it processes
                }
                for (int i = 0; i < 100; i++) {
                    store.put(b("k" + i), b("x" + i));
                }
                long first = store.commit(Map.of("t-0", 300L));
                assertTrue(first > committed);
                store.put(b("k1"), b("y"));
                long second = store.commit(Map.of("t-0", 301L));
                clock.advance(Duration.ofSeconds(2)); // both commit points are now older than the replay age
                awaitRecoveryPoint(store, second, "variant " + variant);
            }
            try (Engine store = Engine.open(DIR, opts)) {
                assertEquals(Map.of("t-0", 301L), store.committedOffsets(), "variant " + variant);
            }
        }
    }
}
