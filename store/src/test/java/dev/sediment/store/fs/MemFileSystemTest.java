package dev.sediment.store.fs;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemFileSystemTest {
    private static final Path DIR = Path.of("/db");
    private static final Path FILE = DIR.resolve("000001.sst");

    private final MemFileSystem fs = new MemFileSystem();

    // ---------------------------------------------------------------- basic file system behaviour

    @Test
    void readsSeeCurrentBytesAndCreateTruncates() throws IOException {
        fs.createDirectories(DIR);
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("hello world"));
            assertEquals(11, w.size());
        }
        assertEquals(11, fs.size(FILE));
        try (ReadableFile r = fs.openReadable(FILE)) {
            assertEquals("world", string(r.readFully(6, 5)));
            assertThrows(EOFException.class, () -> r.readFully(8, 4));
        }
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("x"));
        }
        assertEquals("x", string(fs.fileBytes(FILE)));
        fs.assertNoOpenHandles();
    }

    @Test
    void listRenameDeleteAndMissingFiles() throws IOException {
        fs.createDirectories(DIR.resolve("sub/deeper"));
        write(DIR.resolve("b"), "1");
        write(DIR.resolve("a"), "2");
        assertEquals(List.of("a", "b", "sub"), fs.list(DIR));
        fs.rename(DIR.resolve("a"), DIR.resolve("b"));
        assertEquals(List.of("b", "sub"), fs.list(DIR));
        assertEquals("2", string(fs.fileBytes(DIR.resolve("b"))));
        fs.delete(DIR.resolve("b"));
        fs.delete(DIR.resolve("b")); // no error when missing
        assertFalse(fs.exists(DIR.resolve("b")));
        assertTrue(fs.exists(DIR.resolve("sub")));
        assertThrows(NoSuchFileException.class, () -> fs.openReadable(DIR.resolve("b")));
        assertThrows(NoSuchFileException.class, () -> fs.size(DIR.resolve("b")));
        assertThrows(NoSuchFileException.class, () -> fs.rename(DIR.resolve("b"), DIR.resolve("c")));
        assertThrows(NoSuchFileException.class, () -> fs.create(Path.of("/nowhere/f")));
        assertThrows(NoSuchFileException.class, () -> fs.list(Path.of("/nowhere")));
    }

    @Test
    void openHandleKeepsUnlinkedInode() throws IOException {
        fs.createDirectories(DIR);
        write(FILE, "still here");
        try (ReadableFile r = fs.openReadable(FILE)) {
            fs.delete(FILE);
            assertEquals("still here", string(r.readFully(0, 10)));
        }
    }

    // ---------------------------------------------------------------- durability model

    @Test
    void crashCloneDropsUnsyncedBytesAndKeepsSyncedOnes() throws IOException {
        fs.createDirectories(DIR);
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("abc"));
            w.sync();
            fs.syncDirectory(DIR);
            w.append(bytes("def"));
            MemFileSystem crashed = fs.crashClone();
            assertEquals("abc", string(crashed.fileBytes(FILE)));
            assertEquals("abcdef", string(fs.fileBytes(FILE)));
            w.sync();
        }
        assertEquals("abcdef", string(fs.crashClone().fileBytes(FILE)));
    }

    @Test
    void killCloneKeepsEveryWrittenByteAndEntryAndSharesNothing() throws IOException {
        fs.createDirectories(DIR);
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("abc")); // neither the bytes nor the entry synced: a process crash keeps both
            MemFileSystem killed = fs.killClone();
            assertEquals("abc", string(killed.fileBytes(FILE)));
            assertFalse(fs.crashClone().exists(FILE), "a power loss keeps neither");
            w.append(bytes("def"));
            assertEquals("abc", string(killed.fileBytes(FILE)), "a clone, not a view");
            assertEquals("abc", string(killed.crashClone().fileBytes(FILE)), "what the kill left is on disk");
            assertEquals(0, killed.openHandles());
        }
    }

    @Test
    void createdFileIsLostUntilItsDirectoryIsSynced() throws IOException {
        fs.createDirectories(DIR);
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("abc"));
            w.sync();
        }
        MemFileSystem crashed = fs.crashClone();
        assertTrue(crashed.exists(DIR), "createDirectories is durable at once");
        assertFalse(crashed.exists(FILE));
        fs.syncDirectory(DIR);
        assertEquals("abc", string(fs.crashClone().fileBytes(FILE)));
    }

    @Test
    void renameIsDurableOnlyAfterDirectorySync() throws IOException {
        Path current = DIR.resolve("CURRENT");
        Path temp = FileNames.temp(current);
        fs.createDirectories(DIR);
        writeDurably(current, "old");
        write(temp, "new");
        fs.rename(temp, current);
        assertEquals("new", string(fs.fileBytes(current)));

        MemFileSystem crashed = fs.crashClone();
        assertEquals("old", string(crashed.fileBytes(current)), "old name survives an unsynced rename");
        assertFalse(crashed.exists(temp), "temp entry was never durable");

        fs.syncDirectory(DIR);
        crashed = fs.crashClone();
        assertEquals("new", string(crashed.fileBytes(current)));
        assertFalse(crashed.exists(temp));
    }

    @Test
    void renameOfDurableTempKeepsBothNamesUntilSynced() throws IOException {
        fs.createDirectories(DIR);
        writeDurably(DIR.resolve("a"), "a");
        fs.rename(DIR.resolve("a"), DIR.resolve("b"));
        MemFileSystem crashed = fs.crashClone();
        assertEquals(List.of("a"), crashed.list(DIR));
        fs.syncDirectory(DIR);
        assertEquals(List.of("b"), fs.crashClone().list(DIR));
    }

    @Test
    void deleteIsDurableOnlyAfterDirectorySync() throws IOException {
        fs.createDirectories(DIR);
        writeDurably(FILE, "data");
        fs.delete(FILE);
        assertFalse(fs.exists(FILE));
        assertEquals("data", string(fs.crashClone().fileBytes(FILE)));
        fs.syncDirectory(DIR);
        assertFalse(fs.crashClone().exists(FILE));
    }

    @Test
    void truncatingCreateKeepsOldSyncedBytesUntilSync() throws IOException {
        fs.createDirectories(DIR);
        writeDurably(FILE, "old");
        try (WritableFile w = fs.create(FILE)) {
            w.append(bytes("new!"));
            assertEquals("old", string(fs.crashClone().fileBytes(FILE)));
            w.sync();
        }
        assertEquals("new!", string(fs.crashClone().fileBytes(FILE)), "no directory sync needed: same inode");
    }

    @Test
    void crashCloneCarriesNoHandlesOrLocks() throws IOException {
        fs.createDirectories(DIR);
        FileLock lock = fs.lock(DIR.resolve(FileNames.LOCK));
        ReadableFile r = openDurableFile();
        MemFileSystem crashed = fs.crashClone();
        assertEquals(0, crashed.openHandles());
        crashed.lock(DIR.resolve(FileNames.LOCK)).close();
        lock.close();
        r.close();
    }

    // ---------------------------------------------------------------- crash points

    @Test
    void crashAfterOperationsCapturesStateBeforeTheRefusedOperation() throws IOException {
        fs.crashAfterOperations(5);
        fs.createDirectories(DIR);                        // 1
        WritableFile w = fs.create(FILE);                 // 2
        w.append(bytes("abc"));                           // 3
        w.sync();                                         // 4
        fs.syncDirectory(DIR);                            // 5
        assertNull(fs.crashedState());
        ReadableFile r = fs.openReadable(FILE);           // reads are not counted
        IOException e = assertThrows(IOException.class, () -> w.append(bytes("def"))); // 6th: crashes
        assertEquals("simulated crash", e.getMessage());
        assertEquals(5, fs.operationCount());
        assertTrue(fs.isCrashed());

        MemFileSystem crashed = fs.crashedState();
        assertNotNull(crashed);
        assertEquals("abc", string(crashed.fileBytes(FILE)));

        // Everything after the crash fails, reads on open handles included; close still releases.
        assertThrows(IOException.class, () -> r.readFully(0, 1));
        assertThrows(IOException.class, r::size);
        assertThrows(IOException.class, w::sync);
        assertThrows(UncheckedIOException.class, w::size);
        assertThrows(IOException.class, () -> fs.openReadable(FILE));
        assertThrows(IOException.class, () -> fs.list(DIR));
        assertThrows(IOException.class, () -> fs.size(FILE));
        assertThrows(UncheckedIOException.class, () -> fs.exists(FILE));
        assertThrows(IOException.class, () -> fs.createDirectories(DIR));
        assertEquals(5, fs.operationCount());
        r.close();
        w.close();
        fs.assertNoOpenHandles();
    }

    @Test
    void crashAtZeroCapturesTheInitialState() throws IOException {
        fs.crashAfterOperations(0);
        assertThrows(IOException.class, () -> fs.createDirectories(DIR));
        assertEquals(List.of(), fs.crashedState().list(Path.of("/")));
    }

    /**
     * How a crash test uses the file system: run the workload once to count its operations, then crash
     * at every point and check what recovery would see. Here the workload switches CURRENT by temp file,
     * sync, rename and directory sync; a crash must leave the old or the new content, never a torn one.
     */
    @Test
    void switchingByRenameIsAtomicAtEveryCrashPoint() throws IOException {
        MemFileSystem counting = new MemFileSystem();
        switchCurrentThreeTimes(counting);
        long count = counting.operationCount();
        assertEquals(1 + 3 * 6, count);

        Set<String> seen = new HashSet<>();
        for (long n = 0; n < count; n++) {
            MemFileSystem crashing = new MemFileSystem();
            crashing.crashAfterOperations(n);
            assertThrows(IOException.class, () -> switchCurrentThreeTimes(crashing));
            MemFileSystem after = crashing.crashedState();
            assertNotNull(after, "crash point " + n);
            Path current = DIR.resolve(FileNames.CURRENT);
            String content = after.exists(current) ? string(after.fileBytes(current)) : "none";
            assertTrue(Set.of("none", "v1", "v2", "v3").contains(content), "crash point " + n + ": " + content);
            seen.add(content);
        }
        assertEquals(Set.of("none", "v1", "v2"), seen, "v3 becomes durable only at the last operation");
        assertEquals("v3", string(counting.crashClone().fileBytes(DIR.resolve(FileNames.CURRENT))));
    }

    private static void switchCurrentThreeTimes(MemFileSystem fs) throws IOException {
        fs.createDirectories(DIR);
        Path current = DIR.resolve(FileNames.CURRENT);
        for (int v = 1; v <= 3; v++) {
            Path temp = FileNames.temp(current);
            try (WritableFile w = fs.create(temp)) {     // create
                w.append(bytes("v"));                   // append
                w.append(bytes(Integer.toString(v)));   // append
                w.sync();                               // sync
            }
            fs.rename(temp, current);                   // rename
            fs.syncDirectory(DIR);                      // syncDirectory
        }
    }

    // ---------------------------------------------------------------- locks and leaks

    @Test
    void lockIsExclusiveUntilClosed() throws IOException {
        fs.createDirectories(DIR);
        Path lockFile = DIR.resolve(FileNames.LOCK);
        FileLock lock = fs.lock(lockFile);
        assertTrue(fs.exists(lockFile));
        IOException e = assertThrows(IOException.class, () -> fs.lock(lockFile));
        assertTrue(e.getMessage().contains(lockFile.toString()), e.getMessage());
        lock.close();
        lock.close();
        fs.lock(lockFile).close();
        fs.assertNoOpenHandles();
    }

    @Test
    void leakReportNamesPathAndOpeningStack() throws IOException {
        ReadableFile leaked = openDurableFile();
        assertEquals(1, fs.openHandles());
        AssertionError e = assertThrows(AssertionError.class, fs::assertNoOpenHandles);
        assertTrue(e.getMessage().contains(FILE.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("openDurableFile"), e.getMessage());
        leaked.close();
        assertEquals(0, fs.openHandles());
        fs.assertNoOpenHandles();
    }

    // ---------------------------------------------------------------- damage at rest

    @Test
    void damageHelpersActOnCurrentAndSyncedBytes() throws IOException {
        fs.createDirectories(DIR);
        writeDurably(FILE, "abcdef");
        fs.corrupt(FILE, 0, (byte) 0x20);
        fs.zero(FILE, 1, 2);
        fs.truncate(FILE, 5);
        byte[] expected = {'A', 0, 0, 'd', 'e'};
        assertArrayEquals(expected, fs.fileBytes(FILE));
        assertArrayEquals(expected, fs.syncedBytes(FILE));
        assertArrayEquals(expected, fs.crashClone().fileBytes(FILE));
        assertThrows(IllegalArgumentException.class, () -> fs.corrupt(FILE, 5, (byte) 1));
        assertThrows(IllegalArgumentException.class, () -> fs.fileBytes(DIR.resolve("missing")));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentReadersSeeAConsistentPrefixWhileOneThreadAppends() throws Exception {
        fs.createDirectories(DIR);
        int chunks = 2_000;
        int chunkBytes = 64;
        WritableFile w = fs.create(FILE);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread reader = new Thread(() -> {
                try (ReadableFile r = fs.openReadable(FILE)) {
                    boolean last = false;
                    while (!last) {
                        last = done.get(); // read once more after the writer finished
                        int size = (int) r.size();
                        byte[] b = r.readFully(0, size);
                        for (int i = 0; i < size; i++) {
                            if (b[i] != pattern(i)) {
                                throw new AssertionError("byte " + i + " of " + size + " is wrong");
                            }
                        }
                        if (last && size != chunks * chunkBytes) {
                            throw new AssertionError("final size " + size);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            readers.add(reader);
            reader.start();
        }
        byte[] chunk = new byte[chunkBytes];
        for (int c = 0; c < chunks; c++) {
            for (int i = 0; i < chunkBytes; i++) {
                chunk[i] = pattern(c * chunkBytes + i);
            }
            w.append(chunk);
            if (c % 100 == 0) {
                w.sync();
            }
        }
        w.close();
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        fs.assertNoOpenHandles();
    }

    // ---------------------------------------------------------------- helpers

    private ReadableFile openDurableFile() throws IOException {
        fs.createDirectories(DIR);
        writeDurably(FILE, "x");
        return fs.openReadable(FILE);
    }

    private void write(Path file, String content) throws IOException {
        try (WritableFile w = fs.create(file)) {
            w.append(bytes(content));
            w.sync();
        }
    }

    private void writeDurably(Path file, String content) throws IOException {
        write(file, content);
        fs.syncDirectory(file.getParent());
    }

    private static byte pattern(int i) {
        return (byte) (i % 251);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
