package dev.sediment.examples.childjvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The text file a child JVM's stdout and stderr are appended to, read while the child writes it.
 *
 * <p>A missing file reads as empty: the child may not have written anything yet.
 */
public final class LogFile {
    private final Path path;

    public LogFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public String read() {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** How many times {@code text} occurs; a restarted child appending to the same file adds to it. */
    public int count(String text) {
        String content = read();
        int count = 0;
        for (int i = content.indexOf(text); i >= 0; i = content.indexOf(text, i + text.length())) {
            count++;
        }
        return count;
    }

    public boolean contains(String text) {
        return read().contains(text);
    }

    /** The last {@code lines} lines, for error messages. */
    public String tail(int lines) {
        List<String> all = read().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
