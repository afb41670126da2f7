package dev.sediment.store.manifest;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.Crc32c;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sediment.store.manifest.VersionTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Torn tails are ignored and truncated away for good; every other kind of damage is a CorruptionException naming the file. */
class ManifestRecoveryTest {
    private static final FileSystem DISK = DiskFileSystem.instance();
    private static final long BIG = 1 << 20;

    @TempDir
    Path root;

    /** A store whose live manifest holds a snapshot and three edits; states.get(i) is the state after record i. */
    private Path store;
    private final List<Version> states = new ArrayList<>();

    private void buildStore() throws IOException {
        store = root.resolve("store");
        try (VersionSet vs = VersionSet.open(DISK, store, BIG, true)) {
            states.add(vs.current());
            long a = vs.newFileNumber();
            states.add(vs.logAndApply(VersionEdit.builder().addFile(0, file(a, "a", 9, "m", 2, 2, 9, 300))
                    .flushedRevision(9).lastRevision(9).build()));
            states.add(vs.logAndApply(VersionEdit.builder().deleteFile(0, a).addFile(1, file(a, "a", 9, "m", 2, 2, 9, 300))
                    .addCommitPoint(new CommitPoint(9, Map.of("t-0", 41L, "t-1", -1L), new byte[] {1, 2}, 1000)).build()));
            long b = vs.newFileNumber();
            states.add(vs.logAndApply(VersionEdit.builder().addFile(0, file(b, "c", 14, "d", 10, 10, 14, 50))
                    .flushedRevision(14).addRolledBack(new RevisionRange(15, 17))
                    .addCommitPoint(new CommitPoint(14, Map.of(), new byte[0], 2000)).build()));
        }
    }

    private Path manifest(Path dir) throws IOException {
        return dir.resolve(Files.readString(dir.resolve("CURRENT")).trim());
    }

    /** Offsets of the records in a manifest, plus its size as the last element. */
    private static List<Long> recordOffsets(Path manifest) throws IOException {
        byte[] b = Files.readAllBytes(manifest);
        List<Long> offsets = new ArrayList<>();
        int pos = 0;
        while (pos < b.length) {
            offsets.add((long) pos);
            pos += ManifestWriter.HEADER_BYTES + LittleEndian.getInt(b, pos + 4);
        }
        offsets.add((long) b.length);
        return offsets;
    }

    /** A copy of the store (CURRENT and its manifest) in a fresh directory. */
    private Path copyOfStore(String name) throws IOException {
        Path copy = root.resolve(name);
        Files.createDirectories(copy);
        Files.copy(store.resolve("CURRENT"), copy.resolve("CURRENT"));
        Files.copy(manifest(store), manifest(copy));
        return copy;
    }

    private static Version open(Path dir) throws IOException {
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
            return vs.current();
        }
    }

    private static byte[] frame(byte[] payload) {
        ByteWriter w = new ByteWriter();
        // Framed independently of ManifestWriter, so a change to the framing must change this too.
        w.writeFixed32(0).writeFixed32(payload.length).writeFixed32(~payload.length).writeBytes(payload);
        byte[] record = w.toByteArray();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(record, 4, 4);
        crc.update(payload, 0, payload.length);
        LittleEndian.putInt(record, 0, Crc32c.mask((int) crc.getValue()));
        return record;
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x40;
        Files.write(file, b);
    }

    private static CorruptionException assertCorrupt(Path dir, Path damaged, String what) {
        CorruptionException e = assertThrows(CorruptionException.class, () -> open(dir), what);
        assertEquals(damaged, e.file(), what + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(damaged.toString()), what + ": " + e.getMessage());
        return e;
    }

    @Test
    void tornTailAtEveryOffsetIsTruncatedAwayAndNeverResurrects() throws IOException {
        buildStore();
        List<Long> offsets = recordOffsets(manifest(store));
        assertEquals(states.size() + 1, offsets.size());
        long lastStart = offsets.get(offsets.size() - 2);
        long end = offsets.get(offsets.size() - 1);
        String before = states.get(states.size() - 2).stateDebugString();
        for (long cut = lastStart + 1; cut < end; cut++) {
            Path dir = copyOfStore("cut-" + cut);
            try (FileChannel ch = FileChannel.open(manifest(dir), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            String at = "cut at " + cut;
            assertEquals(before, open(dir).stateDebugString(), at);
            assertEquals(before, open(dir).stateDebugString(), at + ", second reopen");
            // New edits after the torn tail: the torn record must never come back.
            Version expected;
            try (VersionSet vs = VersionSet.open(DISK, dir, BIG, false)) {
                expected = vs.logAndApply(VersionEdit.builder().trimHorizon(3).build());
            }
            assertEquals(expected.stateDebugString(), open(dir).stateDebugString(), at + ", after a new edit");
            assertEquals(9, expected.flushedRevision(), at);
        }
        // Cut exactly at the record boundary: a clean manifest one record shorter.
        Path dir = copyOfStore("cut-boundary");
        try (FileChannel ch = FileChannel.open(manifest(dir), StandardOpenOption.WRITE)) {
            ch.truncate(lastStart);
        }
        assertEquals(before, open(dir).stateDebugString());
    }

    @Test
    void zeroFilledTailIsIgnored() throws IOException {
        buildStore();
        String all = states.get(states.size() - 1).stateDebugString();
        Path appended = copyOfStore("zeros-appended");
        Files.write(manifest(appended), new byte[4096], StandardOpenOption.APPEND);
        assertEquals(all, open(appended).stateDebugString());

        // The last record's bytes zeroed in place (size kept): the state before it.
        Path zeroed = copyOfStore("zeros-in-place");
        List<Long> offsets = recordOffsets(manifest(zeroed));
        byte[] b = Files.readAllBytes(manifest(zeroed));
        Arrays.fill(b, offsets.get(offsets.size() - 2).intValue(), b.length, (byte) 0);
        Files.write(manifest(zeroed), b);
        assertEquals(states.get(states.size() - 2).stateDebugString(), open(zeroed).stateDebugString());
    }

    @Test
    void flippedByteInAnEarlierRecordIsCorruption() throws IOException {
        buildStore();
        List<Long> offsets = recordOffsets(manifest(store));
        for (int record = 0; record < states.size() - 1; record++) {
            for (long at = offsets.get(record); at < offsets.get(record + 1); at++) {
                Path dir = copyOfStore("flip-" + at);
                flip(manifest(dir), at);
                CorruptionException e = assertCorrupt(dir, manifest(dir), "flip at " + at);
                assertEquals(offsets.get(record), e.offset(), e.getMessage());
            }
        }
    }

    @Test
    void flippedByteInACompleteLastRecordIsCorruption() throws IOException {
        buildStore();
        List<Long> offsets = recordOffsets(manifest(store));
        long lastStart = offsets.get(offsets.size() - 2);
        for (long at = lastStart; at < offsets.get(offsets.size() - 1); at++) {
            if (at >= lastStart + 4 && at < lastStart + 8) {
                // A length grown past the end of the file is exactly what a torn write looks like; a
                // shrunk one fails the checksum.
                continue;
            }
            Path dir = copyOfStore("flip-last-" + at);
            flip(manifest(dir), at);
            assertEquals(lastStart, assertCorrupt(dir, manifest(dir), "flip at " + at).offset());
        }
        Path dir = copyOfStore("shrunk-length");
        byte[] b = Files.readAllBytes(manifest(dir));
        b[(int) lastStart + 4]--;
        Files.write(manifest(dir), b);
        assertCorrupt(dir, manifest(dir), "shrunk length");
    }

    @Test
    void validRecordsThatDoNotDecodeOrFitAreCorruption() throws IOException {
        buildStore();
        Path unknownTag = copyOfStore("unknown-tag");
        Files.write(manifest(unknownTag), frame(new byte[] {99}), StandardOpenOption.APPEND);
        assertTrue(assertCorrupt(unknownTag, manifest(unknownTag), "unknown tag").getMessage().contains("unknown tag 99"));

        Path missing = copyOfStore("delete-missing");
        Files.write(manifest(missing), frame(VersionEditCodec.encode(VersionEdit.builder().deleteFile(3, 1234).build(), false)),
                StandardOpenOption.APPEND);
        assertTrue(assertCorrupt(missing, manifest(missing), "delete missing").getMessage().contains("not there"));

        Path twice = copyOfStore("add-twice");
        FileMetadata live = states.get(states.size() - 1).files(1).get(0);
        Files.write(manifest(twice), frame(VersionEditCodec.encode(VersionEdit.builder().addFile(4, live).build(), false)),
                StandardOpenOption.APPEND);
        assertTrue(assertCorrupt(twice, manifest(twice), "add twice").getMessage().contains("already live"));

        Path secondSnapshot = copyOfStore("second-snapshot");
        Files.write(manifest(secondSnapshot), frame(VersionEditCodec.encode(VersionEdit.builder().build(), true)),
                StandardOpenOption.APPEND);
        assertCorrupt(secondSnapshot, manifest(secondSnapshot), "second snapshot");
    }

    @Test
    void manifestMustStartWithASnapshot() throws IOException {
        buildStore();
        Path noSnapshot = copyOfStore("no-snapshot");
        Files.write(manifest(noSnapshot), frame(VersionEditCodec.encode(VersionEdit.builder().flushedRevision(3).build(), false)));
        assertTrue(assertCorrupt(noSnapshot, manifest(noSnapshot), "no snapshot").getMessage().contains("not a snapshot"));

        Path empty = copyOfStore("empty");
        Files.write(manifest(empty), new byte[0]);
        assertEquals(0, assertCorrupt(empty, manifest(empty), "empty manifest").offset());
    }

    @Test
    void damagedCurrentIsCorruptionNamingCurrent() throws IOException {
        buildStore();
        String name = manifest(store).getFileName().toString();
        List<String> bad = List.of("", "garbage\n", name, name + "\r\n", "MANIFEST-1\n", name + "\n" + name + "\n",
                "MANIFEST-000999\n", "\u0000\u0000\u0000\n", "x".repeat(100) + "\n");
        for (String content : bad) {
            Path dir = copyOfStore("current-" + Math.abs(content.hashCode()));
            Files.write(dir.resolve("CURRENT"), content.getBytes(StandardCharsets.UTF_8));
            CorruptionException e = assertCorrupt(dir, dir.resolve("CURRENT"), "CURRENT '" + content + "'");
            assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
        }
    }

    @Test
    void missingCurrentOverExistingFilesIsRefused() throws IOException {
        buildStore();
        Path dir = copyOfStore("lost-current");
        Files.write(FileNames.table(dir, 2), new byte[] {1});
        Files.delete(dir.resolve("CURRENT"));
        CorruptionException e = assertThrows(CorruptionException.class, () -> VersionSet.open(DISK, dir, BIG, true));
        assertEquals(dir.resolve("CURRENT"), e.file());
        assertFalse(Files.exists(dir.resolve("CURRENT")));
    }

    @Test
    void interruptedCreationIsRedone() throws IOException {
        Path dir = root.resolve("half-created");
        Files.createDirectories(dir);
        Files.write(dir.resolve("MANIFEST-000001"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("CURRENT.tmp"), new byte[] {'M'});
        try (VersionSet vs = VersionSet.open(DISK, dir, BIG, true)) {
            assertEquals("(empty)\n", vs.current().toDebugString());
        }
        assertEquals("(empty)\n", open(dir).toDebugString());
    }
}
