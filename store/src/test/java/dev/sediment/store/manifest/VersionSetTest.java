package dev.sediment.store.manifest;

import dev.sediment.store.StoreClosedException;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sediment.store.manifest.VersionTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionSetTest {
    private static final FileSystem DISK = DiskFileSystem.instance();
    private static final long BIG = 1 << 20;

    @TempDir
    Path dir;

    static List<String> manifests(Path dir) throws IOException {
        return DISK.list(dir).stream().filter(n -> FileNames.kind(n) == FileNames.Kind.MANIFEST).sorted().toList();
    }

    @Test
    void createsAnEmptyStore() throws IOException {
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            assertEquals(1, vs.manifestFileNumber());
            assertEquals(2, vs.nextFileNumber());
            assertEquals(0, vs.lastRevision());
            assertEquals("(empty)\n", vs.current().toDebugString());
            assertEquals(0, vs.current().flushedRevision());
            assertEquals("MANIFEST-000001\n", Files.readString(dir.resolve("CURRENT")));
            assertEquals(List.of("MANIFEST-000001"), manifests(dir));
        }
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
            // Open always rotates: the replayed manifest is replaced.
            assertEquals(2, vs.manifestFileNumber());
            assertEquals(List.of("MANIFEST-000002"), manifests(dir));
            assertEquals("MANIFEST-000002\n", Files.readString(dir.resolve("CURRENT")));
        }
    }

    @Test
    void missingStoreWithoutCreateIfMissing() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> VersionSet.open(DISK, dir.resolve("nope"), BIG, false));
        assertTrue(e.getMessage().contains("store does not exist"), e.getMessage());
    }

    @Test
    void logAndApplyInstallsAndPersists() throws IOException {
        Version logged;
        long n1;
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            n1 = vs.newFileNumber();
            long n2 = vs.newFileNumber();
            logged = vs.logAndApply(VersionEdit.builder()
                    .addFile(0, file(n1, "a", 9, "k", 3, 3, 9, 4096))
                    .addFile(1, file(n2, "b", 2, "c", 1, 1, 2, 100))
                    .flushedRevision(9).lastRevision(11)
                    .addCommitPoint(new CommitPoint(9, Map.of("t-0", -1L), new byte[] {7}, 123)).build());
            assertSame(logged, vs.current());
            assertEquals(11, vs.lastRevision());
            // Moving a file down is a delete and an add of the same number in one edit.
            logged = vs.logAndApply(VersionEdit.builder().deleteFile(1, n2).addFile(2, logged.files(1).get(0)).build());
        }
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
            assertEquals(logged.stateDebugString(), vs.current().stateDebugString());
            assertEquals(logged.commitPoints(), vs.current().commitPoints());
            assertEquals(11, vs.lastRevision());
            assertTrue(vs.nextFileNumber() > n1 + 1);
        }
    }

    @Test
    void invalidEditsAreBugsAndLeaveTheSetUsable() throws IOException {
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            assertThrows(IllegalStateException.class, () -> vs.logAndApply(VersionEdit.builder().deleteFile(1, 1).build()));
            long n = vs.newFileNumber();
            assertThrows(IllegalStateException.class, () -> vs.logAndApply(VersionEdit.builder()
                    .addFile(1, file(n, "a", 1, "b", 1, 1, 1, 1)).addFile(2, file(n, "c", 1, "d", 1, 1, 1, 1)).build()));
            assertThrows(IllegalStateException.class, () -> vs.logAndApply(VersionEdit.builder()
                    .addFile(1, file(vs.nextFileNumber() + 5, "a", 1, "b", 1, 1, 1, 1)).build()),
                    "file numbers must come from newFileNumber()");
            vs.logAndApply(VersionEdit.builder().addFile(1, file(n, "a", 1, "b", 1, 1, 1, 1)).build());
            assertThrows(IllegalStateException.class, () -> vs.logAndApply(VersionEdit.builder()
                    .addFile(3, file(n, "a", 1, "b", 1, 1, 1, 1)).build()));
            assertEquals(1, vs.current().files(1).size());
        }
    }

    @Test
    void closeIsIdempotentAndLaterEditsFail() throws IOException {
        VersionSet vs = VersionSet.open(DISK, dir, BIG, true);
        vs.close();
        vs.close();
        assertThrows(StoreClosedException.class, () -> vs.logAndApply(VersionEdit.builder().build()));
    }

    @Test
    void fileNumbersAreNotReusedAfterACrashThatLostThem() throws IOException {
        long allocated;
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            allocated = vs.newFileNumber();
            // A table written under that number, but the edit never logged (crash before logAndApply).
            Files.write(FileNames.table(dir, allocated), new byte[] {1});
        }
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
            assertTrue(vs.nextFileNumber() > allocated, vs.nextFileNumber() + " vs " + allocated);
            assertTrue(vs.manifestFileNumber() > allocated);
        }
    }

    @Test
    void rotationReplacesTheManifestAndDeletesTheOldOne() throws IOException {
        try (VersionSet vs = VersionSet.open(DISK, dir, 200, true)) {
            long first = vs.manifestFileNumber();
            Version v = vs.current();
            for (int i = 1; i <= 30; i++) {
                v = vs.logAndApply(VersionEdit.builder().flushedRevision(i)
                        .addCommitPoint(new CommitPoint(i, Map.of("topic-" + i, (long) i), new byte[8], i)).build());
            }
            assertTrue(vs.manifestFileNumber() > first, "rotated");
            assertEquals(List.of(FileNames.manifestName(vs.manifestFileNumber())), manifests(dir));
            assertTrue(Files.size(FileNames.manifest(dir, vs.manifestFileNumber())) <= 400);
            assertEquals(v.stateDebugString(), vs.current().stateDebugString());
        }
    }

    @Test
    void leftoversOfAnInterruptedRotationAreDeletedOnOpen() throws IOException {
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            vs.logAndApply(VersionEdit.builder().flushedRevision(3).build());
        }
        Files.write(dir.resolve("MANIFEST-000099"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("CURRENT.tmp"), "MANIFEST-000099".getBytes(StandardCharsets.US_ASCII));
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
            assertEquals(3, vs.current().flushedRevision());
            assertEquals(List.of(FileNames.manifestName(vs.manifestFileNumber())), manifests(dir));
            assertTrue(!Files.exists(dir.resolve("CURRENT.tmp")));
            assertTrue(vs.manifestFileNumber() > 99);
        }
    }

    @Test
    void concurrentFileNumbersAreUnique() throws Exception {
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        assertTrue(seen.add(vs.newFileNumber()));
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(40_000, seen.size());
        }
    }
}
