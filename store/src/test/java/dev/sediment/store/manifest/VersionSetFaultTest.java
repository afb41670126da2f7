package dev.sediment.store.manifest;

import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FaultInjectingFileSystem;
import dev.sediment.store.fs.FaultInjectingFileSystem.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.sediment.store.manifest.VersionTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An I/O error in logAndApply fails the set for good; a reopen recovers what is durable. */
class VersionSetFaultTest {
    @TempDir
    Path dir;

    private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(DiskFileSystem.instance());

    private static VersionEdit flushed(long revision) {
        return VersionEdit.builder().flushedRevision(revision).build();
    }

    private Version reopen() throws IOException {
        try (VersionSet vs = VersionSet.open(DiskFileSystem.instance(), dir, 1 << 20, false)) {
            assertEquals(List.of(FileNames.manifestName(vs.manifestFileNumber())), VersionSetTest.manifests(dir));
            return vs.current();
        }
    }

    /**
     * Logs a file, arms the fault, then logs {@code flushedRevision(6), (7), ...} until one throws
     * (at once for append or sync faults, at the first rotation for rotation faults). Checks the set
     * is failed from then on. Returns the revision of the edit that failed; {@code before[0]} is the
     * version before it.
     */
    private long failAnEdit(long maxManifestBytes, Op op, String prefix, Version[] before) throws IOException {
        try (VersionSet vs = VersionSet.open(fs, dir, maxManifestBytes, true)) {
            long n = vs.newFileNumber();
            vs.logAndApply(VersionEdit.builder().addFile(0, file(n, "a", 5, "b", 1, 1, 5, 10))
                    .flushedRevision(5).build());
            fs.failAlways(op, p -> p.getFileName().toString().startsWith(prefix));
            for (long revision = 6; revision < 100; revision++) {
                before[0] = vs.current();
                try {
                    vs.logAndApply(flushed(revision));
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains("injected"), e.getMessage());
                    assertSame(before[0], vs.current(), "the new version is not installed");
                    fs.clearFaults();
                    IOException later = assertThrows(IOException.class, () -> vs.logAndApply(flushed(1000)));
                    assertTrue(later.getMessage().contains("unknown state"), later.getMessage());
                    assertSame(e, later.getCause());
                    return revision;
                }
            }
            throw new AssertionError("no edit failed");
        }
    }

    @Test
    void appendFailure() throws IOException {
        Version[] before = new Version[1];
        assertEquals(6, failAnEdit(1 << 20, Op.APPEND, "MANIFEST-", before));
        assertEquals(before[0].stateDebugString(), reopen().stateDebugString());
    }

    @Test
    void syncFailure() throws IOException {
        Version[] before = new Version[1];
        assertEquals(6, failAnEdit(1 << 20, Op.SYNC, "MANIFEST-", before));
        // The bytes reached the OS before the failed sync, so on a disk that did not crash the edit is
        // there; either outcome is a valid recovery, and the reopened state is one of them.
        Version recovered = reopen();
        assertTrue(recovered.flushedRevision() == 5 || recovered.flushedRevision() == 6, recovered.stateDebugString());
        assertEquals(before[0].toDebugString(), recovered.toDebugString());
    }

    @Test
    void rotationFailureAfterTheEditWasSyncedIsStillFailure() throws IOException {
        Version[] before = new Version[1];
        // A tiny limit makes the manifest rotate within a few edits; switching CURRENT fails.
        long failed = failAnEdit(1, Op.RENAME, "CURRENT", before);
        assertTrue(failed > 6, "some edits were appended before the rotation: " + failed);
        // The edit was synced to the old manifest, which CURRENT still names and which was not deleted.
        Version recovered = reopen();
        assertEquals(failed, recovered.flushedRevision());
        assertEquals(before[0].toDebugString(), recovered.toDebugString());
    }

    @Test
    void newManifestSyncFailureDuringRotation() throws IOException {
        Version[] before = new Version[1];
        long failed = failAnEdit(1, Op.SYNC_DIR, "", before);
        assertEquals(failed, reopen().flushedRevision());
    }

    @Test
    void failureWhileOpeningLeavesTheStoreOpenable() throws IOException {
        try (VersionSet vs = VersionSet.open(fs, dir, 1 << 20, true)) {
            vs.logAndApply(flushed(4));
        }
        fs.failAlways(Op.SYNC, p -> p.getFileName().toString().startsWith("CURRENT"));
        assertThrows(IOException.class, () -> VersionSet.open(fs, dir, 1 << 20, false));
        fs.clearFaults();
        assertEquals(4, reopen().flushedRevision());
    }
}
