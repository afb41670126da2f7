package dev.sediment.store.manifest;

/**
 * One live SSTable as the manifest records it. Immutable (the arrays are never modified).
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
}
