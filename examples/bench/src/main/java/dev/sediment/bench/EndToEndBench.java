package dev.sediment.bench;

import java.nio.file.Path;
import java.util.List;

/** End to end on the embedded broker. */
final class EndToEndBench {
    private final BenchOptions options;
    private final Path dir;

    EndToEndBench(BenchOptions options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    List<Measurement> run() {
        return List.of();
    }
}
