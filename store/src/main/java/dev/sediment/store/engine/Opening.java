package dev.sediment.store.engine;

import dev.sediment.store.CorruptionException;
import dev.sediment.store.StoreException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.StoreOptions;
import dev.sediment.store.fs.FileLock;
import dev.sediment.store.fs.FileNames;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;
import dev.sediment.store.manifest.VersionSet;
import dev.sediment.store.revision.RevisionLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Opening a store directory: create it if asked, lock it, replay the manifest, check that every table
 * it names is there at its size, roll back to the recovery point, and sweep files no durable state names.
 */
final class Opening {
    private static final Logger log = LoggerFactory.getLogger(Opening.class);

    /** What an open hands to the engine; on failure nothing stays locked or open. */
    record Opened(FileLock lock, VersionSet versions, Recovery.Outcome recovered) {
    }

    private Opening() {
    }

    static Opened open(Path dir, StoreOptions options) {
        FileSystem fs = options.fileSystem();
        FileLock lock = null;
        VersionSet versions = null;
        try {
            if (!fs.exists(dir)) {
                if (!options.createIfMissing()) {
                    throw new StoreException("no store at " + dir + " (createIfMissing is false)");
                }
                fs.createDirectories(dir);
            }
            try {
                lock = fs.lock(dir.resolve(FileNames.LOCK));
            } catch (IOException e) {
                throw new StoreIOException("cannot lock " + dir + "; is another process or store instance using it?", e);
            }
            // A new store's first snapshot carries its first revision lease: its first write syncs no lease edit.
            versions = VersionSet.open(fs, dir, options.maxManifestBytes(), options.createIfMissing(),
                    RevisionLease.LEASE);
            versions.checkFormat(options.format());
            verifyTablesExist(fs, dir, versions.current());
            Recovery.Outcome recovered = Recovery.recover(versions, dir, options.clock().millis(),
                    options.revisions().tombstoneRetention());
            sweepOrphans(fs, dir, versions);
            return new Opened(lock, versions, recovered);
        } catch (IOException e) {
            closeQuietly(versions, lock);
            throw new StoreIOException("cannot open store " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(versions, lock);
            throw e;
        }
    }

    /** Undoes {@link #open} when the engine cannot be built on what it opened. */
    static void closeQuietly(VersionSet versions, FileLock lock) {
        try {
            if (versions != null) {
                versions.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    private static void verifyTablesExist(FileSystem fs, Path dir, Version v) throws IOException {
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                Path p = FileNames.table(dir, f.fileNumber());
                if (!fs.exists(p)) {
                    throw new CorruptionException(p, -1, "table named by the manifest (level " + level + ") is missing");
                }
                long size = fs.size(p);
                if (size != f.sizeBytes()) {
                    throw new CorruptionException(p, size, "table is " + size + " bytes, the manifest says " + f.sizeBytes());
                }
            }
        }
    }

    /** Deletes what no durable state names: unreferenced tables, temp files, old manifests. */
    private static void sweepOrphans(FileSystem fs, Path dir, VersionSet versions) throws IOException {
        Set<Long> live = new HashSet<>();
        Version v = versions.current();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (FileMetadata f : v.files(level)) {
                live.add(f.fileNumber());
            }
        }
        for (String name : fs.list(dir)) {
            FileNames.Kind kind = FileNames.kind(name);
            boolean orphan = switch (kind) {
                case TEMP -> true;
                case TABLE -> !live.contains(FileNames.number(name));
                case MANIFEST -> FileNames.number(name) != versions.manifestFileNumber();
                default -> false;
            };
            if (orphan) {
                log.info("deleting orphan file {}/{}", dir, name);
                fs.delete(dir.resolve(name));
            }
        }
    }

    /** "L0=3 L1=2", or "no tables". */
    static String summary(Version v) {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            int n = v.files(level).size();
            if (n > 0) {
                sb.append("L").append(level).append('=').append(n).append(' ');
            }
        }
        return sb.length() == 0 ? "no tables" : sb.toString().trim();
    }
}
