package dev.sediment.store.engine;

import dev.sediment.store.CompactionOptions;
import dev.sediment.store.Store;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child process of {@link CommitKillTest}: writes the deterministic record stream of
 * {@link CommitCrashTest} from a start record to the end, committing {@code {"changelog-0": i}} every few
 * records, until it is killed. It prints what the parent needs to judge the outcome:
 * {@code committing i} before a commit, {@code committed i} after, {@code flushed i} once a flush that
 * covers commit {@code i} returned, and {@code done} at the end.
 */
public final class CommitWriterMain {
    private CommitWriterMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long start = Long.parseLong(args[1]);
        long end = Long.parseLong(args[2]);
        PrintStream out = System.out;
        StoreOptions options = StoreOptions.builder()
                .memtableSizeBytes(64 << 10)
                .compaction(CompactionOptions.builder().baseLevelTargetBytes(256 << 10)
                        .targetFileSizeBytes(64 << 10).build())
                .build();
        try (Store store = Store.open(dir, options)) {
            Long before = store.committedOffsets().get("changelog-0");
            out.println("opened at " + before);
            if (start == 0) {
                out.println("committing -1");
                store.commit(Map.of("changelog-0", -1L));
            }
            long i = start;
            long commits = 0;
            while (i < end) {
                WriteBatch b = new WriteBatch();
                long batchEnd = Math.min(end, i + 1 + (i % 3));
                for (long j = i; j < batchEnd; j++) {
                    byte[] v = CommitCrashTest.value(j);
                    if (v == null) {
                        b.delete(CommitCrashTest.key(j));
                    } else {
                        b.put(CommitCrashTest.key(j), v);
                    }
                }
                store.write(b);
                long prev = i;
                i = batchEnd;
                if (prev / 50 != i / 50) {
                    long c = i - 1;
                    out.println("committing " + c);
                    store.commit(Map.of("changelog-0", c));
                    out.println("committed " + c);
                    if (++commits % 40 == 0) {
                        store.flush();
                        out.println("flushed " + c);
                    }
                }
            }
            out.println("committing " + (end - 1));
            store.commit(Map.of("changelog-0", end - 1));
        }
        out.println("flushed " + (end - 1));
        out.println("done");
        out.flush();
    }
}
