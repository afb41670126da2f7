package dev.sediment.store.engine;

import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.store.revision.RevisionLease;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A created store's first revision lease is in its manifest's first snapshot: its first writes append no
 * lease edit (a manifest sync less per store life, which TopologyTestDriver pays per test), and revisions are
 * still never reused, after a clean close or a crash.
 */
class CreatedStoreLeaseTest {
    private static final Path DIR = Path.of("/lease/store");

    @Test
    void theFirstWritesOfACreatedStoreAppendNothingToTheManifestAndRevisionsStartAtOne() throws IOException {
        MemFileSystem fs = new MemFileSystem();
        try (Store s = Store.open(DIR, StoreOptions.builder().fileSystem(fs).build())) {
            long manifestBytes = manifestBytes(fs);
            s.put(b("a"), b("1"));
            s.put(b("b"), b("2"));
            assertEquals(manifestBytes, manifestBytes(fs), "a write of a created store logged a lease edit");
            assertEquals(2, s.lastRevision());
        }
    }

    @Test
    void revisionsAreNeverReusedAfterACrashOrAReopen() {
        MemFileSystem fs = new MemFileSystem();
        Store s = Store.open(DIR, StoreOptions.builder().fileSystem(fs).build());
        s.put(b("a"), b("1"));
        s.commit(Map.of("topic-0", 1L));
        long used = s.lastRevision();
        MemFileSystem crashed = fs.crashClone(); // nothing was flushed: the write is lost, its revision too
        s.close();
        try (Store after = Store.open(DIR, StoreOptions.builder().fileSystem(crashed).build())) {
            assertNull(after.get(b("a")));
            after.put(b("c"), b("3"));
            assertTrue(after.lastRevision() > RevisionLease.LEASE && after.lastRevision() > used,
                    "revision " + after.lastRevision() + " may repeat one handed out before the crash");
        }
        try (Store reopened = Store.open(DIR, StoreOptions.builder().fileSystem(fs).build())) {
            assertArrayEquals(b("1"), reopened.get(b("a")));
            reopened.put(b("d"), b("4"));
            assertTrue(reopened.lastRevision() > RevisionLease.LEASE, "revision " + reopened.lastRevision());
        }
    }

    private static long manifestBytes(MemFileSystem fs) throws IOException {
        long total = 0;
        for (String name : fs.list(DIR)) {
            if (FileNames.kind(name) == FileNames.Kind.MANIFEST) {
                total += fs.size(DIR.resolve(name));
            }
        }
        return total;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
