package dev.sediment.store.manifest;

import dev.sediment.store.encoding.ByteReader;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.MalformedDataException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a {@link VersionEdit} as the payload of one manifest record: a sequence of tagged fields
 * (varint32 tag, then the field). The grammar is in {@code store/FORMAT.md}, section "Manifest".
 *
 * <p>Decoding is strict: an unknown tag, a repeated scalar tag, a value that does not fit its field
 * or trailing bytes throw {@link MalformedDataException}, which the reader reports as corruption.
 *
 * <p>Stateless and thread-safe.
 */
final class VersionEditCodec {
    // Persisted tags: NEVER CHANGE THEM, only add new ones.
    static final int TAG_SNAPSHOT = 1;
    static final int TAG_NEW_FILE = 2;
    static final int TAG_DELETED_FILE = 3;
    static final int TAG_NEXT_FILE_NUMBER = 4;
    static final int TAG_LAST_REVISION = 5;
    static final int TAG_FLUSHED_REVISION = 6;
    static final int TAG_COMMIT_POINT = 7;
    static final int TAG_ROLLED_BACK = 8;
    static final int TAG_TRIM_HORIZON = 9;
    static final int TAG_FORMAT = 10;

    /** The manifest format version written after {@link #TAG_SNAPSHOT}. */
    static final int FORMAT_VERSION = 1;

    /** A decoded record: the edit and whether it is a full-state snapshot. */
    record Decoded(VersionEdit edit, boolean snapshot) {
    }

    private VersionEditCodec() {
    }

    /** The payload for {@code edit}; a snapshot record starts with the snapshot marker. */
    static byte[] encode(VersionEdit edit, boolean snapshot) {
        ByteWriter w = new ByteWriter();
        encode(edit, snapshot, w);
        return w.toByteArray();
    }

    /** Appends the payload for {@code edit} to {@code w}: what {@link #encode(VersionEdit, boolean)} returns. */
    static void encode(VersionEdit edit, boolean snapshot, ByteWriter w) {
        if (snapshot) {
            w.writeVarint32(TAG_SNAPSHOT).writeVarint32(FORMAT_VERSION);
        }
        scalar(w, TAG_NEXT_FILE_NUMBER, edit.nextFileNumber());
        scalar(w, TAG_LAST_REVISION, edit.lastRevision());
        scalar(w, TAG_FLUSHED_REVISION, edit.flushedRevision());
        scalar(w, TAG_TRIM_HORIZON, edit.trimHorizon());
        if (edit.format() != null) {
            w.writeVarint32(TAG_FORMAT).writeLengthPrefixed(edit.format().getBytes(StandardCharsets.UTF_8));
        }
        for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
            w.writeVarint32(TAG_DELETED_FILE).writeVarint32(d.level()).writeVarint64(d.fileNumber());
        }
        for (VersionEdit.NewFile n : edit.newFiles()) {
            FileMetadata f = n.file();
            w.writeVarint32(TAG_NEW_FILE).writeVarint32(n.level())
                    .writeVarint64(f.fileNumber())
                    .writeVarint64(f.sizeBytes())
                    .writeLengthPrefixed(f.smallestKey()).writeFixed64(f.smallestTrailer())
                    .writeLengthPrefixed(f.largestKey()).writeFixed64(f.largestTrailer())
                    .writeVarint64(f.minRevision())
                    .writeVarint64(f.maxRevision())
                    .writeVarint64(f.entries())
                    .writeVarint64(f.tombstones());
        }
        for (CommitPoint c : edit.commitPoints()) {
            w.writeVarint32(TAG_COMMIT_POINT).writeVarint64(c.revision()).writeVarint32(c.offsets().size());
            // Sorted so equal commit points encode to equal bytes.
            Map<String, Long> offsets = c.offsets().size() > 1 ? new TreeMap<>(c.offsets()) : c.offsets();
            for (Map.Entry<String, Long> e : offsets.entrySet()) {
                w.writeLengthPrefixed(e.getKey().getBytes(StandardCharsets.UTF_8)).writeFixed64(e.getValue());
            }
            w.writeLengthPrefixed(c.position()).writeFixed64(c.wallTimeMillis());
        }
        for (RevisionRange r : edit.rolledBack()) {
            w.writeVarint32(TAG_ROLLED_BACK).writeVarint64(r.from()).writeVarint64(r.to());
        }
    }

    private static void scalar(ByteWriter w, int tag, long v) {
        if (v != -1) {
            w.writeVarint32(tag).writeVarint64(v);
        }
    }

    /** Decodes a payload written by {@link #encode}. */
    static Decoded decode(byte[] payload) {
        ByteReader r = new ByteReader(payload);
        VersionEdit.Builder b = VersionEdit.builder();
        boolean snapshot = false;
        int seenScalars = 0;
        try {
            while (r.hasRemaining()) {
                int tagAt = r.position();
                int tag = r.readVarint32();
                switch (tag) {
                    case TAG_SNAPSHOT -> {
                        if (tagAt != 0) {
                            throw new MalformedDataException("snapshot marker at " + tagAt + ", not at the start of the record");
                        }
                        int version = r.readVarint32();
                        if (version != FORMAT_VERSION) {
                            throw new MalformedDataException("manifest format version " + version
                                    + " is not supported (this build reads " + FORMAT_VERSION + ")");
                        }
                        snapshot = true;
                    }
                    case TAG_NEXT_FILE_NUMBER, TAG_LAST_REVISION, TAG_FLUSHED_REVISION, TAG_TRIM_HORIZON -> {
                        int bit = 1 << tag;
                        if ((seenScalars & bit) != 0) {
                            throw new MalformedDataException("tag " + tag + " repeated at " + tagAt);
                        }
                        seenScalars |= bit;
                        long v = nonNegative(r, "scalar of tag " + tag);
                        switch (tag) {
                            case TAG_NEXT_FILE_NUMBER -> b.nextFileNumber(v);
                            case TAG_LAST_REVISION -> b.lastRevision(v);
                            case TAG_FLUSHED_REVISION -> b.flushedRevision(v);
                            default -> b.trimHorizon(v);
                        }
                    }
                    case TAG_FORMAT -> {
                        if ((seenScalars & (1 << TAG_FORMAT)) != 0) {
                            throw new MalformedDataException("tag " + tag + " repeated at " + tagAt);
                        }
                        seenScalars |= 1 << TAG_FORMAT;
                        b.format(utf8(r.readLengthPrefixed(), "format"));
                    }
                    case TAG_DELETED_FILE -> b.deleteFile(level(r), nonNegative(r, "file number"));
                    case TAG_NEW_FILE -> {
                        int level = level(r);
                        b.addFile(level, new FileMetadata(
                                nonNegative(r, "file number"),
                                nonNegative(r, "size"),
                                r.readLengthPrefixed(), r.readFixed64(),
                                r.readLengthPrefixed(), r.readFixed64(),
                                nonNegative(r, "min revision"),
                                nonNegative(r, "max revision"),
                                nonNegative(r, "entries"),
                                nonNegative(r, "tombstones")));
                    }
                    case TAG_COMMIT_POINT -> b.addCommitPoint(commitPoint(r));
                    case TAG_ROLLED_BACK -> b.addRolledBack(
                            new RevisionRange(nonNegative(r, "range start"), nonNegative(r, "range end")));
                    default -> throw new MalformedDataException("unknown tag " + tag + " at " + tagAt);
                }
            }
        } catch (IllegalArgumentException e) {
            // A value the builder or a record refuses (e.g. a range with from > to).
            throw new MalformedDataException(e.getMessage());
        }
        return new Decoded(b.build(), snapshot);
    }

    private static CommitPoint commitPoint(ByteReader r) {
        long revision = nonNegative(r, "commit point revision");
        int count = r.readLength(r.remaining());
        Map<String, Long> offsets = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String name = utf8(r.readLengthPrefixed(), "commit point name");
            if (offsets.put(name, r.readFixed64()) != null) {
                throw new MalformedDataException("commit point names '" + name + "' twice");
            }
        }
        byte[] position = r.readLengthPrefixed();
        return new CommitPoint(revision, offsets, position, r.readFixed64());
    }

    private static int level(ByteReader r) {
        int level = r.readVarint32();
        if (level < 0 || level >= Version.NUM_LEVELS) {
            throw new MalformedDataException("level " + Integer.toUnsignedString(level) + " out of range at " + r.position());
        }
        return level;
    }

    private static long nonNegative(ByteReader r, String what) {
        long v = r.readVarint64();
        if (v < 0) {
            throw new MalformedDataException(what + " " + Long.toUnsignedString(v) + " out of range at " + r.position());
        }
        return v;
    }

    private static String utf8(byte[] b, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDataException(what + " is not UTF-8");
        }
    }
}
