package dev.sediment.store.manifest;

import dev.sediment.store.key.InternalKeys;

import java.util.Arrays;
import java.util.Objects;

/**
 * One live SSTable as the manifest records it. Immutable (the arrays are never modified).
 *
 * <p>Equality compares the key arrays by content, so two decodings of the same record are equal.
 *
 * @param fileNumber       the table's file number (name {@code %06d.sst})
 * @param sizeBytes        file size
 * @param smallestKey      user key of the first entry
 * @param smallestTrailer  trailer of the first entry
 * @param largestKey       user key of the last entry
 * @param largestTrailer   trailer of the last entry
 * @param minRevision      smallest revision in the table
 * @param maxRevision      largest revision in the table
 * @param entries          entries, tombstones included
 * @param tombstones       DELETE entries
 */
public record FileMetadata(long fileNumber, long sizeBytes, byte[] smallestKey, long smallestTrailer,
                           byte[] largestKey, long largestTrailer, long minRevision, long maxRevision,
                           long entries, long tombstones) {

    @Override
    public boolean equals(Object o) {
        return o instanceof FileMetadata f
                && fileNumber == f.fileNumber && sizeBytes == f.sizeBytes
                && Arrays.equals(smallestKey, f.smallestKey) && smallestTrailer == f.smallestTrailer
                && Arrays.equals(largestKey, f.largestKey) && largestTrailer == f.largestTrailer
                && minRevision == f.minRevision && maxRevision == f.maxRevision
                && entries == f.entries && tombstones == f.tombstones;
    }

    @Override
    public int hashCode() {
        return Objects.hash(fileNumber, sizeBytes, Arrays.hashCode(smallestKey), smallestTrailer,
                Arrays.hashCode(largestKey), largestTrailer, minRevision, maxRevision, entries, tombstones);
    }

    @Override
    public String toString() {
        return "FileMetadata[" + fileNumber + " " + InternalKeys.toDebugString(smallestKey, smallestTrailer)
                + ".." + InternalKeys.toDebugString(largestKey, largestTrailer)
                + " rev " + minRevision + ".." + maxRevision + " " + sizeBytes + "B entries " + entries
                + " tombstones " + tombstones + "]";
    }
}
