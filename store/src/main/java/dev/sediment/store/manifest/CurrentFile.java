package dev.sediment.store.manifest;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.fs.WritableFile;
import dev.sediment.store.key.InternalKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code CURRENT} file: the live manifest's name followed by {@code "\n"}, nothing else.
 *
 * <p>Switched atomically: write {@code CURRENT.tmp}, sync it, rename it over {@code CURRENT}, sync
 * the directory. A reader sees the old or the new name, never a mix; the trailing newline proves the
 * write was complete.
 *
 * <p>Stateless; callers serialize switches.
 */
final class CurrentFile {
    /** Longer than any manifest name; a bigger CURRENT is garbage. */
    private static final int MAX_BYTES = 64;

    private CurrentFile() {
    }

    /**
     * The live manifest's file number, read from {@code CURRENT}.
     *
     * @throws CorruptionException naming CURRENT if it is not one manifest name and a newline, or
     *         names a manifest that does not exist
     */
    static long read(FileSystem fs, Path dir) throws IOException {
        Path current = FileNames.current(dir);
        byte[] bytes;
        try (ReadableFile f = fs.openReadable(current)) {
            long size = f.size();
            if (size == 0 || size > MAX_BYTES) {
                throw new CorruptionException(current, 0, "size " + size + " is not that of a manifest name");
            }
            bytes = f.readFully(0, (int) size);
        }
        if (bytes[bytes.length - 1] != '\n') {
            throw new CorruptionException(current, bytes.length - 1, "no trailing newline (incomplete write)");
        }
        byte[] nameBytes = Arrays.copyOf(bytes, bytes.length - 1);
        String name = new String(nameBytes, StandardCharsets.US_ASCII);
        if (FileNames.kind(name) != FileNames.Kind.MANIFEST
                || !name.equals(FileNames.manifestName(FileNames.number(name)))) {
            throw new CorruptionException(current, 0, "'" + InternalKeys.printable(nameBytes) + "' is not a manifest name");
        }
        long number = FileNames.number(name);
        if (!fs.exists(FileNames.manifest(dir, number))) {
            throw new CorruptionException(current, 0, "names " + name + ", which does not exist");
        }
        return number;
    }

    /** Points {@code CURRENT} at the manifest {@code manifestNumber}, durably. REQUIRES: the manifest is durable. */
    static void install(FileSystem fs, Path dir, long manifestNumber) throws IOException {
        Path current = FileNames.current(dir);
        Path temp = FileNames.temp(current);
        byte[] content = (FileNames.manifestName(manifestNumber) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (WritableFile f = fs.create(temp)) {
            f.append(content);
            f.sync();
        }
        fs.rename(temp, current);
        fs.syncDirectory(dir);
    }
}
