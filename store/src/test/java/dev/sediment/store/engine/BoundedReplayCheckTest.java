package dev.sediment.store.engine;

import dev.sediment.store.RevisionOptions;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileLock;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.fs.WritableFile;
import dev.sediment.store.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

    /** A file system whose MANIFEST syncs wait while the gate is closed. */
    private static final class GatedSyncFileSystem implements FileSystem {
        private final FileSystem delegate;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final Object gate = new Object();
        private boolean closed; // guarded by gate

        GatedSyncFileSystem(FileSystem delegate) {
            this.delegate = delegate;
        }

        void close() {
            synchronized (gate) {
                closed = true;
            }
        }

        void open() {
            synchronized (gate) {
                closed = false;
                gate.notifyAll();
            }
        }

        private void pass() throws IOException {
            synchronized (gate) {
                if (closed) {
                    entered.countDown();
                }
                while (closed) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted at the sync gate", e);
                    }
                }
            }
        }

        @Override
        public WritableFile create(Path file) throws IOException {
            WritableFile f = delegate.create(file);
            if (!file.getFileName().toString().startsWith("MANIFEST-")) {
                return f;
            }
            return new WritableFile() {
                @Override
                public void append(byte[] b, int off, int len) throws IOException {
                    f.append(b, off, len);
                }

                @Override
                public void sync() throws IOException {
                    pass();
                    f.sync();
                }

                @Override
                public long size() {
                    return f.size();
                }

                @Override
                public void close() throws IOException {
                    f.close();
                }
            };
        }

        @Override
        public ReadableFile openReadable(Path file) throws IOException {
            return delegate.openReadable(file);
        }

        @Override
        public boolean exists(Path file) {
            return delegate.exists(file);
        }

        @Override
        public long size(Path file) throws IOException {
            return delegate.size(file);
        }

        @Override
        public List<String> list(Path dir) throws IOException {
            return delegate.list(dir);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            delegate.rename(from, to);
        }

        @Override
        public void delete(Path file) throws IOException {
            delegate.delete(file);
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            delegate.createDirectories(dir);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            delegate.syncDirectory(dir);
        }

        @Override
        public FileLock lock(Path lockFile) throws IOException {
            return delegate.lock(lockFile);
        }
    }
}
