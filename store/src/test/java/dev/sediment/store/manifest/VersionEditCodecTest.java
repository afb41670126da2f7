package dev.sediment.store.manifest;

import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.MalformedDataException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionEditCodecTest {
    @Test
    void randomEditsRoundTrip() {
        long seed = RandomEdits.seed("VersionEditCodecTest.randomEditsRoundTrip");
        Random rnd = new Random(seed);
        RandomEdits gen = new RandomEdits(rnd);
        AtomicLong numbers = new AtomicLong();
        for (int i = 0; i < 2000; i++) {
            VersionEdit edit = gen.anyEdit(() -> rnd.nextInt(4) == 0 ? rnd.nextLong() & Long.MAX_VALUE : numbers.incrementAndGet());
            boolean snapshot = rnd.nextBoolean();
            byte[] payload = VersionEditCodec.encode(edit, snapshot);
            VersionEditCodec.Decoded decoded = VersionEditCodec.decode(payload);
            assertEquals(edit, decoded.edit(), "seed " + seed + " edit " + i);
            assertEquals(snapshot, decoded.snapshot(), "seed " + seed + " edit " + i);
            // Deterministic: equal edits encode to equal bytes.
            assertArrayEquals(payload, VersionEditCodec.encode(decoded.edit(), snapshot));
        }
    }

    @Test
    void emptyEditIsEmptyPayloadAndAbsentScalarsAreMinusOne() {
        VersionEdit empty = VersionEdit.builder().build();
        assertEquals(0, VersionEditCodec.encode(empty, false).length);
        VersionEdit decoded = VersionEditCodec.decode(new byte[0]).edit();
        assertEquals(-1, decoded.nextFileNumber());
        assertEquals(-1, decoded.lastRevision());
        assertEquals(-1, decoded.flushedRevision());
        assertEquals(-1, decoded.trimHorizon());
        assertTrue(decoded.newFiles().isEmpty());
    }

    @Test
    void negativeOffsetsAndEmptyMapsSurvive() {
        CommitPoint c = new CommitPoint(7, Map.of("a", -1L, "b", Long.MIN_VALUE, "c", -2L), new byte[0], -5);
        VersionEdit edit = VersionEdit.builder().addCommitPoint(c)
                .addCommitPoint(new CommitPoint(8, Map.of(), new byte[] {1, 2}, 0)).build();
        assertEquals(edit, VersionEditCodec.decode(VersionEditCodec.encode(edit, false)).edit());
    }

    @Test
    void listsAreUnmodifiable() {
        VersionEdit edit = VersionEdit.builder().deleteFile(1, 2).build();
        assertThrows(UnsupportedOperationException.class, () -> edit.deletedFiles().clear());
        assertThrows(UnsupportedOperationException.class, () -> edit.newFiles().clear());
        assertThrows(UnsupportedOperationException.class, () -> edit.commitPoints().clear());
        assertThrows(UnsupportedOperationException.class, () -> edit.rolledBack().clear());
    }

    @Test
    void builderRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.builder().deleteFile(Version.NUM_LEVELS, 1));
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.builder().deleteFile(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.builder().flushedRevision(-1));
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.builder().nextFileNumber(-3));
    }

    @Test
    void persistedTagsNeverChange() {
        // These numbers are on disk: if this test fails, the change breaks every existing store.
        assertEquals(1, VersionEditCodec.TAG_SNAPSHOT);
        assertEquals(2, VersionEditCodec.TAG_NEW_FILE);
        assertEquals(3, VersionEditCodec.TAG_DELETED_FILE);
        assertEquals(4, VersionEditCodec.TAG_NEXT_FILE_NUMBER);
        assertEquals(5, VersionEditCodec.TAG_LAST_REVISION);
        assertEquals(6, VersionEditCodec.TAG_FLUSHED_REVISION);
        assertEquals(7, VersionEditCodec.TAG_COMMIT_POINT);
        assertEquals(8, VersionEditCodec.TAG_ROLLED_BACK);
        assertEquals(9, VersionEditCodec.TAG_TRIM_HORIZON);
        // A known edit's exact bytes (the worked example in FORMAT.md, section "Manifest").
        VersionEdit edit = VersionEdit.builder().nextFileNumber(5).deleteFile(1, 3).build();
        assertArrayEquals(new byte[] {4, 5, 3, 1, 3}, VersionEditCodec.encode(edit, false));
        assertArrayEquals(new byte[] {1, 1, 4, 5, 3, 1, 3}, VersionEditCodec.encode(edit, true));
    }

    @Test
    void malformedPayloadsAreRejected() {
        assertMalformed(new ByteWriter().writeVarint32(99).toByteArray(), "unknown tag 99");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_DELETED_FILE).writeVarint32(7)
                .writeVarint64(1).toByteArray(), "level 7");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_FLUSHED_REVISION).writeVarint64(3)
                .writeVarint32(VersionEditCodec.TAG_FLUSHED_REVISION).writeVarint64(4).toByteArray(), "repeated");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_ROLLED_BACK).writeVarint64(9)
                .writeVarint64(3).toByteArray(), "from 9 > to 3");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_TRIM_HORIZON).writeVarint64(-7)
                .toByteArray(), "out of range");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_FLUSHED_REVISION)
                .writeVarint32(VersionEditCodec.TAG_SNAPSHOT).writeVarint32(1).toByteArray(), "snapshot marker");
        assertMalformed(new ByteWriter().writeVarint32(VersionEditCodec.TAG_SNAPSHOT).writeVarint32(2).toByteArray(),
                "format version 2");

        // Every strict prefix of a real edit fails cleanly (no AIOOBE), or decodes to a different edit.
        Random rnd = new Random(1);
        VersionEdit edit = new RandomEdits(rnd).anyEdit(new AtomicLong()::incrementAndGet);
        byte[] payload = VersionEditCodec.encode(edit, true);
        for (int n = 0; n < payload.length; n++) {
            byte[] prefix = Arrays.copyOf(payload, n);
            try {
                assertFalse(edit.equals(VersionEditCodec.decode(prefix).edit()) && n < payload.length);
            } catch (MalformedDataException expected) {
                // fine
            }
        }
    }

    private static void assertMalformed(byte[] payload, String messagePart) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> VersionEditCodec.decode(payload));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void formatRoundTripsAndIsAtMostOncePerRecord() {
        VersionEdit edit = VersionEdit.builder().format("timestamped").trimHorizon(3).build();
        byte[] payload = VersionEditCodec.encode(edit, false);
        assertEquals("timestamped", VersionEditCodec.decode(payload).edit().format());
        assertEquals(null, VersionEditCodec.decode(new byte[0]).edit().format());
        byte[] twice = new ByteWriter().writeVarint32(VersionEditCodec.TAG_FORMAT).writeLengthPrefixed(new byte[] {'a'})
                .writeVarint32(VersionEditCodec.TAG_FORMAT).writeLengthPrefixed(new byte[] {'b'}).toByteArray();
        assertThrows(MalformedDataException.class, () -> VersionEditCodec.decode(twice));
        byte[] notUtf8 = new ByteWriter().writeVarint32(VersionEditCodec.TAG_FORMAT)
                .writeLengthPrefixed(new byte[] {(byte) 0xff}).toByteArray();
        assertThrows(MalformedDataException.class, () -> VersionEditCodec.decode(notUtf8));
    }
}
