package dev.sediment.store.sstable;

/**
 * What a finished table holds, stored in its properties block and returned by
 * {@link TableWriter#finish()} and {@link TableReader#properties()}.
 *
 * @param entries          all entries, tombstones included
 * @param tombstones       DELETE entries
 * @param rawKeyBytes      sum of user key lengths
 * @param rawValueBytes    sum of value lengths
 * @param dataBlocks       number of data blocks
 * @param smallestKey      user key of the first entry
 * @param smallestTrailer  trailer of the first entry
 * @param largestKey       user key of the last entry
 * @param largestTrailer   trailer of the last entry
 * @param minRevision      smallest revision of any entry
 * @param maxRevision      largest revision of any entry
 * @param fileSizeBytes    size of the whole file
 */
public record TableProperties(long entries, long tombstones, long rawKeyBytes, long rawValueBytes, long dataBlocks,
                              byte[] smallestKey, long smallestTrailer, byte[] largestKey, long largestTrailer,
                              long minRevision, long maxRevision, long fileSizeBytes) {
}
