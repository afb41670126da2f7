package dev.sediment.store.engine;

import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.MemFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code Store.recoveryRevision()}: the commit point a crash at that moment reopens at, never a newer one. */
@Timeout(60)
class RecoveryRevisionTest {
    private static final Path DIR = Path.of("/recovery/store");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long reopenedAt(MemFileSystem fs) {
        try (Engine e = Engine.open(DIR, StoreOptions.builder().fileSystem(fs.crashClone()).build())) {
            return e.committedRevision().orElse(-1);
        }
    }

    @Test
    void aCommitPointCountsOnceItIsFlushedAndDurable() {
        MemFileSystem fs = new MemFileSystem();
        try (Engine e = Engine.open(DIR, StoreOptions.builder().fileSystem(fs).build())) {
            assertEquals(OptionalLong.empty(), e.recoveryRevision());
            e.put(b("a"), b("1"));
            long first = e.commit(Map.of("t-0", 0L));
            assertEquals(OptionalLong.empty(), e.recoveryRevision(), "not flushed yet");
            assertEquals(-1, reopenedAt(fs));
            e.flush();
            assertEquals(OptionalLong.of(first), e.recoveryRevision());
            assertEquals(first, reopenedAt(fs));
            e.put(b("a"), b("2"));
            long second = e.commit(Map.of("t-0", 1L));
            assertEquals(OptionalLong.of(first), e.recoveryRevision(), "the newer point is neither flushed nor durable");
            assertEquals(first, reopenedAt(fs));
            e.flush();
            assertEquals(OptionalLong.of(second), e.recoveryRevision());
            assertEquals(second, reopenedAt(fs));
            // Flushed first, committed after: the point is flushed but its manifest record is not synced yet.
            e.put(b("a"), b("3"));
            e.flush();
            e.commit(Map.of("t-0", 2L));
            assertEquals(OptionalLong.of(second), e.recoveryRevision(), "logged, not synced");
            assertEquals(second, reopenedAt(fs));
        }
    }
}
