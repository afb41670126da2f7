package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ForwardingFileSystem;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.fs.WritableFile;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.LevelChecker;
import dev.sediment.store.manifest.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A store whose compaction is urgent runs two compactions at once: an L0 merge and, beside it, a rewrite
 * of a tombstone-dense bottom table on a disjoint key range. Both are held at a gate on table creation
 * (only compactions create tables once everything is flushed), so the overlap is seen, not timed.
 */
@Timeout(120)
class ConcurrentCompactionTest {
    private static final Path DIR = Path.of("/concurrent/store");
    private static final int L0_TABLES = 4;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StoreOptions options(FileSystem fs) {
        return StoreOptions.builder()
                .fileSystem(fs)
                .memtableSizeBytes(64 << 10)
                .blockSizeBytes(512)
                .compaction(CompactionOptions.builder()
                        .l0CompactionTrigger(2)
                        .l0SlowdownTrigger(100)
                        .l0StopTrigger(200)
                        .baseLevelTargetBytes(1 << 20)
                        .targetFileSizeBytes(1 << 20)
                        .maxCompactionBytes(16 << 20)
                        .maxSubcompactions(1)
                        .build())
                .build();
    }

    /**
     * The "a" keys sit in one bottom table, two tombstones (of keys never written) per live key, kept
     * while a snapshot was open; then compactions are paused and {@link #L0_TABLES} overlapping L0 tables
     * of "b" keys are flushed. Returns the paused store; the model holds what it must read.
     */
    private static Engine prepare(FileSystem fs, Map<String, String> model) {
        Engine e = Engine.open(DIR, options(fs));
        for (int i = 0; i < 300; i += 3) {
            e.put(b(String.format("a%04d", i)), b("live" + i));
            model.put(String.format("a%04d", i), "live" + i);
        }
        Snapshot s = e.snapshot();
        for (int i = 0; i < 300; i++) {
            if (i % 3 != 0) {
                e.delete(b(String.format("a%04d", i)));
            }
        }
        e.flush();
        e.compactRange(null, null);
        Version v = e.currentVersion();
        assertEquals(1, v.files(Version.NUM_LEVELS - 1).size(), "one bottom table: " + v);
        FileMetadata bottom = v.files(Version.NUM_LEVELS - 1).get(0);
        assertEquals(200, bottom.tombstones(), "the snapshot kept the tombstones");

        e.compactionLock().lock(); // paused: closing the snapshot marks the table, flushes fill L0
        s.close();
        for (int t = 0; t < L0_TABLES; t++) {
            for (int i = t; i < 400; i += 2) {
                String k = String.format("b%04d", i);
                e.put(b(k), b("t" + t + "-" + i));
                model.put(k, "t" + t + "-" + i);
            }
            e.flush();
        }
        assertEquals(L0_TABLES, e.currentVersion().files(0).size());
        return e;
    }

    @Test
    void anUrgentStoreRunsTwoCompactionsAtOnceAndReadsAsTheModel() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the background pool has one thread");
        TableGate fs = new TableGate(new MemFileSystem());
        Map<String, String> model = new TreeMap<>();
        try (Engine e = prepare(fs, model)) {
            CountDownLatch settled = new CountDownLatch(1);
            e.setCompactionListener(s -> {
                if (s.currentVersion().files(0).isEmpty() && tombstones(s.currentVersion()) == 0) {
                    settled.countDown();
                }
            });
            fs.close();
            e.compactionLock().unlock();
            assertTrue(fs.entered.await(60, TimeUnit.SECONDS), "two compactions did not run at once: "
                    + fs.creators() + ", " + e.currentVersion());
            assertEquals(2, fs.creators().size(), "two threads: " + fs.creators());
            fs.open();
            assertTrue(settled.await(60, TimeUnit.SECONDS), "compactions did not finish: " + e.currentVersion());
            assertTrue(e.stats().compactions().count() >= 3, "the manual ones and the two: " + e.stats().compactions());
            EngineInvariants.check(e);
            assertReads(e, model);
        }
        try (Engine e = Engine.open(DIR, options(fs))) {
            assertReads(e, model);
        }
    }

    /**
     * While two compactions hold the threads compactions may use (both waiting at the gate), a flush still
     * runs: writers waiting for a full memtable never wait for a compaction to end.
     */
    @Test
    void aFlushRunsWhileTwoCompactionsHoldTheirThreads() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the background pool has one thread");
        TableGate fs = new TableGate(new MemFileSystem());
        Map<String, String> model = new TreeMap<>();
        try (Engine e = prepare(fs, model)) {
            fs.closeForCompactions();
            e.compactionLock().unlock();
            assertTrue(fs.awaitWaiting("loop", 60) && fs.awaitWaiting("help", 60),
                    "two compactions did not run at once: " + fs.creators() + ", " + e.currentVersion());
            e.put(b("c0000"), b("flushed beside them"));
            model.put("c0000", "flushed beside them");
            e.flush(); // hangs if the flush has no thread of its own
            assertTrue(fs.awaitWaiting("loop", 1) && fs.awaitWaiting("help", 1), "both compactions still wait");
            fs.open();
            assertReads(e, model);
        }
        try (Engine e = Engine.open(DIR, options(fs))) {
            assertReads(e, model);
        }
    }

    /** close() waits for both running compactions; what they did (or did not) install reads as the model. */
    @Test
    void closeWaitsForBothCompactions() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the background pool has one thread");
        TableGate fs = new TableGate(new MemFileSystem());
        Map<String, String> model = new TreeMap<>();
        Engine e = prepare(fs, model);
        fs.close();
        e.compactionLock().unlock();
        assertTrue(fs.entered.await(60, TimeUnit.SECONDS), "two compactions did not run at once: " + fs.creators());
        Thread closer = new Thread(e::close, "closer");
        closer.start();
        fs.open();
        closer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(closer.isAlive(), "close did not return");
        assertEquals(0, fs.creatingNow(), "no table is being written after close");
        try (Engine reopened = Engine.open(DIR, options(fs))) {
            EngineInvariants.check(reopened);
            assertReads(reopened, model);
        }
    }

    /**
     * The pass, done with its compaction while the store is still urgent, finds nothing to pick (the helper
     * holds the L0 tables) and ends; the helper's L0 merge then leaves two L0 tables, at the compaction
     * trigger but below the speed-up threshold, so the helper ends too. The pass must be asked again: the
     * two tables are compacted.
     */
    @Test
    void workTheHelperHeldBackIsCompactedAfterBothEnd() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the background pool has one thread");
        TableGate fs = new TableGate(new MemFileSystem());
        Map<String, String> model = new TreeMap<>();
        try (Engine e = Engine.open(DIR, options(fs))) {
            for (int i = 0; i < 300; i += 3) {
                e.put(b(String.format("m%04d", i)), b("live" + i));
                model.put(String.format("m%04d", i), "live" + i);
            }
            Snapshot s = e.snapshot();
            for (int i = 0; i < 300; i++) {
                if (i % 3 != 0) {
                    e.delete(b(String.format("m%04d", i)));
                }
            }
            e.flush();
            e.compactRange(null, null);
            CountDownLatch settled = new CountDownLatch(1);
            e.setCompactionListener(st -> {
                if (st.currentVersion().files(0).isEmpty() && tombstones(st.currentVersion()) == 0) {
                    settled.countDown();
                }
            });

            e.compactionLock().lock();
            s.close(); // the bottom table is marked
            fs.closeForCompactions();
            e.compactionLock().unlock();
            assertTrue(fs.awaitWaiting("loop", 60), "the pass did not start the marked rewrite");
            for (String range : List.of("x", "y")) { // two older x tables, two newer y tables, disjoint
                for (int t = 0; t < 2; t++) {
                    for (int i = t; i < 100; i += 2) {
                        String k = range + String.format("%04d", i);
                        e.put(b(k), b(range + t));
                        model.put(k, range + t);
                    }
                    e.flush();
                }
            }
            assertEquals(4, e.currentVersion().files(0).size());
            e.snapshot().close(); // asks for compaction: the store is urgent now, the helper starts
            assertTrue(fs.awaitWaiting("help", 60), "the helper did not start the L0 merge");

            fs.release("loop");
            assertTrue(e.awaitNoCompactionPass(60_000), "the pass did not end");
            assertEquals(4, e.currentVersion().files(0).size(), "the helper's merge is still held");
            fs.release("help");
            assertTrue(settled.await(60, TimeUnit.SECONDS), "L0 was left at " + e.stats().tables().levels());
            EngineInvariants.check(e);
            assertReads(e, model);
        }
    }

    /**
     * While the pass holds an L0 compaction of the two oldest tables, four newer L0 tables (overwrites, and
     * tombstones of keys the held tables hold) pile up: the helper merges them within L0 (intra-L0), leaving
     * three L0 tables. Its output must keep the tombstones (older L0 tables still hold those keys) and sort
     * where its inputs were, newest first; once the held compaction ends, L0 drains into the base level (the
     * merged table counts as the tables it merged); reads stay the model's all along, and after a reopen.
     */
    @Test
    void newerL0TablesMergeWithinL0WhileAnL0CompactionIsHeld() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "the background pool has one thread");
        TableGate fs = new TableGate(new MemFileSystem());
        Map<String, String> model = new TreeMap<>();
        try (Engine e = Engine.open(DIR, intraL0Options(fs))) {
            fs.closeForCompactions();
            for (int t = 0; t < 2; t++) {
                putTable(e, model, t, 0);
            }
            assertTrue(fs.awaitWaiting("loop", 60),
                    "the pass did not start the L0 compaction: " + e.currentVersion().toDebugString());
            List<FileMetadata> held = e.currentVersion().files(0);
            assertEquals(2, held.size());
            for (int t = 2; t < 6; t++) {
                putTable(e, model, t, 3); // every third key of the held tables deleted on the way
            }
            assertEquals(6, e.currentVersion().files(0).size());
            e.snapshot().close(); // asks for compaction: L0 is past the speed-up threshold, the helper starts
            assertTrue(fs.awaitWaiting("help", 60),
                    "the helper did not start a merge: " + e.currentVersion().toDebugString());
            CountDownLatch merged = new CountDownLatch(1);
            e.setCompactionListener(st -> {
                if (st.currentVersion().files(0).size() == 3) {
                    merged.countDown();
                }
            });
            fs.release("help");
            assertTrue(merged.await(60, TimeUnit.SECONDS), "no intra-L0 merge: " + e.currentVersion().toDebugString());
            Version v = e.currentVersion();
            LevelChecker.check(v);
            assertEquals(held, v.files(0).subList(1, 3),
                    "the held tables stay below the merged one: " + v.toDebugString());
            assertTrue(v.files(0).get(0).tombstones() > 0, "the merge kept its tombstones: " + v.toDebugString());
            assertModel(e, model);

            // The merged table stands for the four it merged, so L0 (trigger 2) still scores 2 once the held
            // compaction ends and drains into the base level; counted as one table it would stay in L0.
            CountDownLatch drained = new CountDownLatch(1);
            e.setCompactionListener(st -> {
                if (st.currentVersion().files(0).isEmpty()) {
                    drained.countDown();
                }
            });
            fs.open();
            assertTrue(drained.await(60, TimeUnit.SECONDS),
                    "L0 did not drain after the held compaction: " + e.currentVersion().toDebugString());
            EngineInvariants.check(e);
            assertModel(e, model);
        }
        try (Engine e = Engine.open(DIR, intraL0Options(fs))) {
            EngineInvariants.check(e);
            assertModel(e, model);
        }
    }

    /** Writes slowed at 8 L0 files, so intra-L0 merges start at max(trigger + 2, 8 - 4) = 4 files. */
    private static StoreOptions intraL0Options(FileSystem fs) {
        StoreOptions o = options(fs);
        return o.toBuilder().compaction(o.compaction().toBuilder().l0SlowdownTrigger(8).build()).build();
    }

    /** One L0 table: keys k0000..k0299 written as table {@code t}, every {@code deleteEvery}-th deleted (0: none). */
    private static void putTable(Engine e, Map<String, String> model, int t, int deleteEvery) {
        for (int i = 0; i < 300; i++) {
            String k = String.format("k%04d", i);
            if (deleteEvery > 0 && (i + t) % deleteEvery == 0) {
                e.delete(b(k));
                model.remove(k);
            } else {
                e.put(b(k), b("t" + t + "-" + i));
                model.put(k, "t" + t + "-" + i);
            }
        }
        e.flush();
    }

    private static void assertModel(Engine e, Map<String, String> model) {
        for (int i = 0; i < 300; i++) {
            String k = String.format("k%04d", i);
            byte[] got = e.get(b(k));
            assertArrayEquals(model.containsKey(k) ? b(model.get(k)) : null, got, k);
        }
        Map<String, String> scanned = new TreeMap<>();
        try (StoreIterator it = e.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                scanned.put(new String(it.key(), StandardCharsets.UTF_8),
                        new String(it.value(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(model, scanned);
    }

    private static long tombstones(Version v) {
        long n = 0;
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                n += f.tombstones();
            }
        }
        return n;
    }

    private static void assertReads(Engine e, Map<String, String> model) {
        for (int i = 0; i < 300; i++) {
            String k = String.format("a%04d", i);
            byte[] got = e.get(b(k));
            if (model.containsKey(k)) {
                assertArrayEquals(b(model.get(k)), got, k);
            } else {
                assertEquals(null, got, k + " was deleted");
            }
        }
        List<String> keys = new ArrayList<>();
        try (StoreIterator it = e.iterator(KeyRange.all(), false)) {
            for (; it.valid(); it.next()) {
                String k = new String(it.key(), StandardCharsets.UTF_8);
                keys.add(k);
                assertEquals(model.get(k), new String(it.value(), StandardCharsets.UTF_8), k);
            }
        }
        assertEquals(new ArrayList<>(model.keySet()), keys);
    }

    /**
     * While closed, creating a table waits; {@link #entered} counts down once two creations wait at once.
     * Table writes run until the table is synced, so {@link #creatingNow} tells whether one is under way.
     */
    private static final class TableGate extends ForwardingFileSystem {
        final CountDownLatch entered = new CountDownLatch(2);
        private final Object gate = new Object();
        private boolean closed; // guarded by gate
        private final Set<String> creators = new HashSet<>(); // guarded by gate
        private int creating; // guarded by gate
        /** With {@link #compactionsOnly}: the runners ("loop", the pass; "help", the helper) let through. */
        private final Set<String> released = new HashSet<>(); // guarded by gate
        private final Set<String> waiting = new HashSet<>(); // guarded by gate
        private boolean compactionsOnly;

        TableGate(FileSystem delegate) {
            super(delegate);
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

        /** Only compactions wait at the gate from now on, each until its runner is released or the gate opens. */
        void closeForCompactions() {
            synchronized (gate) {
                compactionsOnly = true;
                closed = true;
            }
        }

        void release(String runner) {
            synchronized (gate) {
                released.add(runner);
                gate.notifyAll();
            }
        }

        /** Waits until a table creation of {@code runner} waits at the gate. */
        boolean awaitWaiting(String runner, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (gate) {
                while (!waiting.contains(runner)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return false;
                    }
                    gate.wait(left);
                }
                return true;
            }
        }

        /** "loop" or "help" when a background compaction of CompactionScheduler creates the table, else null. */
        private static String runner() {
            return StackWalker.getInstance().walk(frames -> frames
                    .filter(f -> f.getClassName().endsWith("CompactionScheduler"))
                    .map(StackWalker.StackFrame::getMethodName)
                    .filter(m -> m.equals("loop") || m.equals("help"))
                    .findFirst().orElse(null));
        }

        Set<String> creators() {
            synchronized (gate) {
                return new HashSet<>(creators);
            }
        }

        int creatingNow() {
            synchronized (gate) {
                return creating;
            }
        }

        @Override
        public WritableFile create(Path file) throws IOException {
            if (!file.getFileName().toString().contains(".sst")) {
                return delegate.create(file);
            }
            String runner = runner();
            synchronized (gate) {
                boolean gated = compactionsOnly ? runner != null : true;
                if (closed && gated) {
                    creators.add(Thread.currentThread().getName());
                    entered.countDown();
                    if (runner != null) {
                        waiting.add(runner);
                        gate.notifyAll();
                    }
                }
                while (closed && gated && !released.contains(runner)) {
                    try {
                        gate.wait();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted at the table gate", ex);
                    }
                }
                waiting.remove(runner);
                creating++;
            }
            WritableFile f = delegate.create(file);
            return new WritableFile() {
                private boolean done;

                @Override
                public void append(byte[] b, int off, int len) throws IOException {
                    f.append(b, off, len);
                }

                @Override
                public void sync() throws IOException {
                    f.sync();
                }

                @Override
                public long size() {
                    return f.size();
                }

                @Override
                public void close() throws IOException {
                    try {
                        f.close();
                    } finally {
                        synchronized (gate) {
                            if (!done) {
                                done = true;
                                creating--;
                            }
                        }
                    }
                }
            };
        }
    }
}
