package dev.sediment.store.fs;

import dev.sediment.store.fs.FaultInjectingFileSystem.InjectedFaultException;
import dev.sediment.store.fs.FaultInjectingFileSystem.Op;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import static dev.sediment.store.fs.MemFileSystemTest.bytes;
import static dev.sediment.store.fs.MemFileSystemTest.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingFileSystemTest {
    private static final Path DIR = Path.of("/db");
    private static final Predicate<Path> ANY = p -> true;
    private static final Predicate<Path> TABLES = p -> p.toString().endsWith(".sst");

    private final MemFileSystem mem = new MemFileSystem();
    private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);

    FaultInjectingFileSystemTest() throws IOException {
        mem.createDirectories(DIR);
    }

    @Test
    void failAlwaysFailsOnlyMatchingPathsAndChangesNothing() throws IOException {
        fs.failAlways(Op.CREATE, TABLES);
        Path table = DIR.resolve("000001.sst");
        for (int i = 0; i < 3; i++) {
            InjectedFaultException e = assertThrows(InjectedFaultException.class, () -> fs.create(table));
            assertEquals(Op.CREATE, e.op());
            assertTrue(e.getMessage().contains("CREATE") && e.getMessage().contains(table.toString()), e.getMessage());
        }
        assertFalse(mem.exists(table));
        fs.create(DIR.resolve("MANIFEST-000002")).close();
        assertEquals(3, fs.injectedFaults());
    }

    @Test
    void failOnceFailsTheFirstMatchingCallOnly() throws IOException {
        fs.failOnce(Op.SYNC, ANY);
        try (WritableFile w = fs.create(DIR.resolve("f"))) {
            w.append(bytes("abc"));
            IOException e = assertThrows(IOException.class, w::sync);
            assertTrue(e.getMessage().contains("SYNC") && e.getMessage().contains("/db/f"), e.getMessage());
            w.sync();
        }
        assertEquals(1, fs.injectedFaults());
    }

    @Test
    void failAfterLetsSomeCallsSucceedThenFailsEveryLaterOne() throws IOException {
        fs.failAfter(Op.APPEND, ANY, 2);
        try (WritableFile w = fs.create(DIR.resolve("f"))) {
            w.append(bytes("a"));
            w.append(bytes("b"));
            assertThrows(InjectedFaultException.class, () -> w.append(bytes("c")));
            assertThrows(InjectedFaultException.class, () -> w.append(bytes("d")));
        }
        assertEquals("ab", string(mem.fileBytes(DIR.resolve("f"))));
    }

    @Test
    void eachOperationKindCanBeFailed() throws IOException {
        Path f = DIR.resolve("f");
        try (WritableFile w = fs.create(f)) {
            w.append(bytes("data"));
        }
        fs.failAlways(Op.OPEN, ANY);
        assertThrows(InjectedFaultException.class, () -> fs.openReadable(f));
        fs.clearFaults();

        ReadableFile r = fs.openReadable(f);
        fs.failOnce(Op.READ, ANY);
        assertThrows(InjectedFaultException.class, () -> r.readFully(0, 4));
        assertEquals("data", string(r.readFully(0, 4)));
        r.close();

        fs.failOnce(Op.LIST, ANY);
        assertThrows(InjectedFaultException.class, () -> fs.list(DIR));
        fs.failOnce(Op.DELETE, ANY);
        assertThrows(InjectedFaultException.class, () -> fs.delete(f));
        assertTrue(mem.exists(f));
        fs.failOnce(Op.SYNC_DIR, ANY);
        assertThrows(InjectedFaultException.class, () -> fs.syncDirectory(DIR));
        fs.failOnce(Op.LOCK, ANY);
        assertThrows(InjectedFaultException.class, () -> fs.lock(DIR.resolve("LOCK")));
        fs.lock(DIR.resolve("LOCK")).close();

        // A rename matches on its target too, and a failed rename leaves both names as they were.
        fs.failOnce(Op.RENAME, p -> p.getFileName().toString().equals("CURRENT"));
        InjectedFaultException e = assertThrows(InjectedFaultException.class,
                () -> fs.rename(f, DIR.resolve("CURRENT")));
        assertTrue(e.getMessage().contains("/db/f -> /db/CURRENT"), e.getMessage());
        assertTrue(mem.exists(f));
        assertFalse(mem.exists(DIR.resolve("CURRENT")));
        assertEquals(7, fs.injectedFaults());
        mem.assertNoOpenHandles();
    }

    @Test
    void diskFullRefusesTheWholeAppendThatDoesNotFit() throws IOException {
        fs.diskFullAfterBytes(10);
        Path f = DIR.resolve("f");
        try (WritableFile w = fs.create(f)) {
            w.append(bytes("123456"));
            IOException e = assertThrows(IOException.class, () -> w.append(bytes("78901")));
            assertTrue(e.getMessage().startsWith("No space left on device"), e.getMessage());
            assertTrue(e.getMessage().contains("APPEND") && e.getMessage().contains(f.toString()), e.getMessage());
            assertEquals("123456", string(mem.fileBytes(f)), "nothing of the failed append is written");
            w.append(bytes("7890"));
            assertThrows(IOException.class, () -> w.append(bytes("x")));
        }
        assertEquals(2, fs.injectedFaults());
        fs.clearFaults();
        try (WritableFile w = fs.create(DIR.resolve("g"))) {
            w.append(new byte[100]);
        }
    }

    @Test
    void randomFaultsAreReproducibleFromTheSeed() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("FaultInjectingFileSystemTest seed=" + seed);
        List<String> first = randomWorkload(seed);
        assertEquals(first, randomWorkload(seed), "seed=" + seed);
        assertNotEquals(first, randomWorkload(seed + 1), "seed=" + seed);
        long failures = first.stream().filter(s -> s.startsWith("fail")).count();
        assertTrue(failures > 20 && failures < 180, "seed=" + seed + " failures=" + failures);
    }

    /** 400 operations with a quarter failing at random; returns what happened to each. */
    private static List<String> randomWorkload(long seed) {
        MemFileSystem mem = new MemFileSystem();
        FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
        fs.failRandomly(seed, 0.25, Op.CREATE, Op.APPEND, Op.SYNC);
        List<String> outcomes = new ArrayList<>();
        try {
            mem.createDirectories(DIR);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (int i = 0; i < 100; i++) {
            Path f = DIR.resolve("f" + i);
            try (WritableFile w = fs.create(f)) {
                outcomes.add("ok create");
                for (int j = 0; j < 3; j++) {
                    try {
                        w.append(bytes("x"));
                        outcomes.add("ok append");
                    } catch (IOException e) {
                        outcomes.add("fail " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                outcomes.add("fail " + e.getMessage());
            }
        }
        return outcomes;
    }

    @Test
    void clearFaultsKeepsTheCount() throws IOException {
        fs.failAlways(Op.LIST, ANY);
        assertThrows(IOException.class, () -> fs.list(DIR));
        fs.clearFaults();
        fs.list(DIR);
        assertEquals(1, fs.injectedFaults());
    }
}
