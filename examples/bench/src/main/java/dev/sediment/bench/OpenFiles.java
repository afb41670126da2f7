package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The file descriptors this JVM holds open ({@code /proc/self/fd}); -1 where there is no such directory. */
final class OpenFiles {
    private static final Path FDS = Path.of("/proc/self/fd");

    private OpenFiles() {
    }

    static long count() {
        if (!Files.isDirectory(FDS)) {
            return -1;
        }
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.count() - 1; // the listing's own descriptor
        } catch (IOException e) {
            return -1;
        }
    }
}
