package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A bench store's files under the state directory: Sediment's in {@code <name>}, RocksDB's in {@code rocksdb/<name>}. */
final class StoreFiles {
    private StoreFiles() {
    }

    /** Deletes the store {@code name}'s files, so that a side store does not count in the next workload's disk bytes. */
    static void delete(Path stateDir, String name) throws IOException {
        for (Path dir : List.of(stateDir.resolve(name), stateDir.resolve("rocksdb").resolve(name))) {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
