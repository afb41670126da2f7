package dev.sediment.store.manifest;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.fs.FileSystem;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Rebuilds the state a manifest describes: its first record must be a snapshot, every later record
 * an edit applied on top. A torn tail is ignored (the reader logs it); anything else that does not
 * read, decode or fit the state is a {@link CorruptionException} naming the manifest and the
 * record's offset.
 */
final class ManifestReplay {
    /** The recovered state and the highest next file number any record carried. */
    record Result(Version version, long nextFileNumber, long tornTailOffset) {
    }

    private ManifestReplay() {
    }

    static Result replay(FileSystem fs, Path manifest) throws IOException {
        try (ManifestReader reader = new ManifestReader(fs, manifest)) {
            Version version = null;
            long nextFileNumber = -1;
            byte[] payload;
            while ((payload = reader.next()) != null) {
                long offset = reader.recordOffset();
                VersionEditCodec.Decoded decoded;
                try {
                    decoded = VersionEditCodec.decode(payload);
                } catch (MalformedDataException e) {
                    throw new CorruptionException(manifest, offset, "undecodable record: " + e.getMessage(), e);
                }
                if (version == null && !decoded.snapshot()) {
                    throw new CorruptionException(manifest, offset, "the first record is not a snapshot record");
                }
                if (version != null && decoded.snapshot()) {
                    throw new CorruptionException(manifest, offset, "a snapshot record after the first record");
                }
                VersionEdit edit = decoded.edit();
                try {
                    version = VersionBuilder.apply(version == null ? Version.empty() : version, edit, edit.nextFileNumber());
                } catch (IllegalStateException e) {
                    throw new CorruptionException(manifest, offset, "edit does not fit the state: " + e.getMessage()
                            + "; edit " + edit, e);
                }
                nextFileNumber = Math.max(nextFileNumber, edit.nextFileNumber());
            }
            if (version == null) {
                throw new CorruptionException(manifest, 0, "no complete snapshot record"
                        + (reader.tornTailOffset() >= 0 ? " (the first record is torn)" : " (empty file)"));
            }
            return new Result(version, nextFileNumber, reader.tornTailOffset());
        }
    }
}
