package dev.sediment.store.engine;

import dev.sediment.store.Store;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;
import dev.sediment.store.fs.FaultInjectingFileSystem;
import dev.sediment.store.fs.FaultInjectingFileSystem.Op;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every path that changes the version goes through the one version installer, so a manifest write
 * that fails on any of them leaves the store in the same state: the call that hit it fails with a
 * {@link StoreIOException} about the manifest, later writes are refused with a {@link StoreException}
 * whose cause is that same fatal error, reads go on against the last installed version, close reports
 * what may not be durable, and a reopen recovers the last durable state.
 */
class ManifestFailureTest {
    private static final Path DIR = Path.of("/manifest-failure/store");
    private static final int MEMTABLE_BYTES = 64 << 10;

    /** The path under test: sets the store up (faults off), then does the one call that writes the manifest. */
    enum VersionChange {
        FLUSH("read-only until reopened") { // the background flush hit it; the waiting caller gets the fatal error
            @Override
            void trigger(Store s) {
                s.put(b("late"), b("x"));
                s.flush();
            }
        },
        COMPACTION("cannot record a compaction") {
            @Override
            void prepare(Store s) {
                for (int run = 0; run < 2; run++) { // two overlapping L0 tables: a real merge, not a move
                    s.put(b("k" + run), b("v"));
                    s.put(b("base"), b("v" + run));
                    s.flush();
                }
            }

            @Override
            void trigger(Store s) {
                s.compactRange(null, null);
            }
        },
        INGEST("cannot record an ingested table") {
            @Override
            void trigger(Store s) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; batch.approximateBytes() < MEMTABLE_BYTES; i++) {
                    batch.put(b(String.format("ingested%06d", i)), new byte[100]);
                }
                s.ingest(batch);
            }
        },
        COMMIT("cannot record a commit point") {
            @Override
            void trigger(Store s) {
                s.commit(Map.of("topic-0", 42L));
            }
        },
        HISTORY_TRIM("cannot record a history trim") {
            @Override
            void prepare(Store s) {
                s.commit(Map.of("topic-0", 1L)); // the trim is capped at the recovery point
                s.flush();
            }

            @Override
            void trigger(Store s) {
                s.trimHistory(s.lastRevision());
            }
        },
        REVISION_LEASE("cannot record a revision lease") {
            @Override
            boolean writeFirst() {
                return false; // a reopened store has leased nothing: its first write records a lease
            }

            @Override
            void trigger(Store s) {
                s.put(b("late"), b("x"));
            }
        };

        /** What the failing call's message says. */
        final String message;

        VersionChange(String message) {
            this.message = message;
        }

        /** Whether the store holds a durable write (and a lease) before the fault. */
        boolean writeFirst() {
            return true;
        }

        void prepare(Store s) {
        }

        abstract void trigger(Store s);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isManifest(Path p) {
        return FileNames.kind(p.getFileName().toString()) == FileNames.Kind.MANIFEST;
    }

    private static StoreOptions options(FaultInjectingFileSystem fs) {
        return StoreOptions.builder().fileSystem(fs).memtableSizeBytes(MEMTABLE_BYTES).build();
    }

    @ParameterizedTest
    @EnumSource(VersionChange.class)
    void aManifestFailureOnAnyPathLeavesTheSameReadOnlyState(VersionChange path) {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        if (!path.writeFirst()) {
            Store.open(DIR, options(fs)).close(); // a created store's first lease is in its first snapshot
        }
        Store s = Store.open(DIR, options(fs));
        if (path.writeFirst()) {
            s.put(b("a"), b("1"));
            s.flush();
        }
        path.prepare(s);
        long before = s.lastRevision();
        fs.failAlways(Op.APPEND, ManifestFailureTest::isManifest);
        fs.failAlways(Op.SYNC, ManifestFailureTest::isManifest);

        StoreIOException hit = assertThrows(StoreIOException.class, () -> path.trigger(s), path.name());
        assertTrue(hit.getMessage().contains("manifest") && hit.getMessage().contains(path.message), hit.getMessage());

        StoreException refused = assertThrows(StoreException.class, () -> s.put(b("c"), b("3")));
        assertTrue(refused.getMessage().contains("read-only after a manifest failure"), refused.getMessage());
        StoreIOException fatal = assertInstanceOf(StoreIOException.class, refused.getCause());
        assertTrue(fatal.getMessage().contains("read-only until reopened"), fatal.getMessage());
        StoreException again = assertThrows(StoreException.class, () -> s.delete(b("a")));
        assertSame(fatal, again.getCause(), "one fatal error, whatever the write");
        assertThrows(StoreException.class, () -> s.commit(Map.of("topic-0", 7L)));
        assertThrows(StoreException.class, s::flush);

        if (path.writeFirst()) {
            assertArrayEquals(b("1"), s.get(b("a")), "reads are still served");
        }
        assertNull(s.get(b("c")));
        assertTrue(s.lastRevision() >= before, "nothing visible is taken back");

        StoreException closed = assertThrows(StoreException.class, s::close, "close reports what may be lost");
        assertTrue(closed.getMessage().contains("may not be durable"), closed.getMessage());
        s.close(); // idempotent

        fs.clearFaults();
        try (Store reopened = Store.open(DIR, options(fs))) {
            if (path.writeFirst()) {
                assertArrayEquals(b("1"), reopened.get(b("a")), "the last durable state is recovered");
            }
            reopened.put(b("c"), b("3"));
            assertArrayEquals(b("3"), reopened.get(b("c")));
        }
        assertTrue(fs.injectedFaults() > 0, "the manifest write was failed");
    }

    /**
     * A commit point after the first one is not written at once (a commit costs no system call): its commit
     * succeeds, and the manifest failure surfaces at the next flush or periodic sync, which writes it; the
     * store is then read-only, and a reopen recovers the last durable commit point.
     */
    @Test
    void aDeferredCommitPointMeetsAManifestFailureAtTheNextSync() {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        Store s = Store.open(DIR, options(fs));
        s.put(b("a"), b("1"));
        s.commit(Map.of("topic-0", 1L)); // the first commit point: written at once
        s.flush(); // and the recovery point once the flush is durable
        fs.failAlways(Op.APPEND, ManifestFailureTest::isManifest);
        fs.failAlways(Op.SYNC, ManifestFailureTest::isManifest);

        s.put(b("b"), b("2"));
        s.commit(Map.of("topic-0", 2L)); // deferred: nothing reaches the failing manifest yet
        StoreException hit = assertThrows(StoreException.class, s::flush);
        assertTrue(hit.getMessage().contains("manifest") || hit.getMessage().contains("read-only"), hit.getMessage());
        assertThrows(StoreException.class, () -> s.commit(Map.of("topic-0", 3L)));
        assertThrows(StoreException.class, s::close, "close reports what may be lost");

        fs.clearFaults();
        try (Store reopened = Store.open(DIR, options(fs))) {
            assertEquals(1L, reopened.committedOffsets().get("topic-0"), "the last durable commit point");
            assertArrayEquals(b("1"), reopened.get(b("a")));
            assertNull(reopened.get(b("b")), "rolled back with the commit point it had");
        }
        assertTrue(fs.injectedFaults() > 0, "the manifest write was failed");
    }
}
