package dev.sediment.store.engine;

import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.sstable.TableOptions;
import dev.sediment.store.sstable.TableProperties;
import dev.sediment.store.sstable.TableWriter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one whole table file for a flush or an ingest: fills it, finishes and syncs it and its
 * directory entry, and deletes it again if anything fails (what a failure leaves behind is swept as an
 * orphan on the next open anyway, but a retry should not find it).
 */
final class TableFileWriter {
    /** Adds the entries, in internal-key order. */
    interface Entries {
        void writeTo(TableWriter writer) throws IOException;
    }

    private TableFileWriter() {
    }

    static FileMetadata write(FileSystem fs, Path dir, long fileNumber, TableOptions options, Entries entries)
            throws IOException {
        return write(fs, dir, fileNumber, options, null, entries);
    }

    /** As above, with the data blocks also put in the block cache as they are written, if {@code tables} is not null. */
    static FileMetadata write(FileSystem fs, Path dir, long fileNumber, TableOptions options, TableCache tables,
                              Entries entries) throws IOException {
        Path path = FileNames.table(dir, fileNumber);
        TableWriter writer = null;
        boolean done = false;
        try {
            writer = new TableWriter(path, fs.create(path), options,
                    tables == null ? null : tables.fill(fileNumber));
            entries.writeTo(writer);
            TableProperties p = writer.finish();
            fs.syncDirectory(dir);
            done = true;
            return metadata(fileNumber, p);
        } finally {
            if (!done) {
                if (writer != null) {
                    writer.abandon();
                }
                if (tables != null) {
                    tables.dropFill(fileNumber);
                }
                try {
                    fs.delete(path);
                } catch (IOException ignored) {
                    // swept as an orphan on the next open
                }
            }
        }
    }

    /** The manifest's record of a finished table. */
    static FileMetadata metadata(long fileNumber, TableProperties p) {
        return new FileMetadata(fileNumber, p.fileSizeBytes(), p.smallestKey(), p.smallestTrailer(),
                p.largestKey(), p.largestTrailer(), p.minRevision(), p.maxRevision(), p.entries(), p.tombstones());
    }
}
