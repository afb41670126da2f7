package dev.sediment.examples.testing;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a test's {@code @TempDir} under {@code target/test-runs/}, named after the test, instead of
 * {@code /tmp}: broker data, state directories and child logs stay with the build (Kafka Streams
 * also warns about state under {@code /tmp}), and with {@code cleanup = ON_SUCCESS} a failed test
 * leaves them for inspection.
 */
public final class UnderTarget implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws Exception {
        Path parent = Files.createDirectories(Path.of("target", "test-runs"));
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "-" + m.getName()).orElse("");
        return Files.createTempDirectory(parent, name + "-");
    }
}
