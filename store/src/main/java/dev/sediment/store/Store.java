package dev.sediment.store;

import dev.sediment.store.engine.Engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Sediment store: an ordered map of byte-array keys to byte-array values (keys compared as
 * unsigned bytes), kept in an LSM tree in one directory.
 *
 * <p>Every write is assigned a <em>revision</em>, a number that only grows and is never reused. Reads
 * see the latest revision unless made through a {@link Snapshot}. There is no write-ahead log: writes
 * become durable when their memtable is flushed to an SSTable ({@link #flush()}, or in the
 * background as memtables fill). (In Kafka Streams the changelog topic is the log.)
 *
 * <p><b>Commit points and recovery</b> (design §5). {@link #commit} records "the state up to the
 * current revision is what the log holds up to these offsets" — cheaply: no flush, no sync of its own
 * (a later flush or {@link #close()} makes it durable; losing the newest commit points in a crash is
 * safe). On open, a store that has commit points opens at its <em>recovery point</em>: the newest
 * durable commit point whose revision is flushed. Every revision above it is rolled back (hidden at
 * once, removed by compaction), {@link #committedOffsets()} reports that point's offsets, and the
 * caller replays its log from there. So writes after the last commit are not kept across a reopen,
 * even a clean one: commit before closing. A store that was never committed keeps every flushed
 * write instead. If the recovery point is older than {@link RevisionOptions#tombstoneRetention()},
 * the store opens empty with no offsets (the age guard). New writes always continue above the
 * highest revision ever assigned.
 *
 * <p>Errors: null keys or values throw {@link NullPointerException}; keys or values over the limits in
 * {@link StoreOptions} throw {@link IllegalArgumentException}; use after {@link #close()} throws
 * {@link StoreClosedException}; damaged files throw {@link CorruptionException}; I/O failures throw
 * {@link StoreIOException}. A failed background flush leaves the previous state intact.
 *
 * <p>Thread-safe: writes are serialized; reads and iterators run concurrently with them.
 */
public interface Store extends AutoCloseable {
    /** Opens (or creates, per {@link StoreOptions#createIfMissing()}) the store in {@code dir}. */
    static Store open(Path dir, StoreOptions options) {
        return Engine.open(dir, options);
    }

    /** Sets {@code key} to {@code value}; returns the write's revision. */
    long put(byte[] key, byte[] value);

    /** Removes {@code key} (a tombstone); returns the write's revision. */
    long delete(byte[] key);

    /** Applies the batch atomically; returns the revision of its last operation (or the current revision if empty). */
    long write(WriteBatch batch);

    /**
     * Applies the batch atomically like {@link #write}, but may write it straight to a new SSTable instead of
     * the memtable: the bulk path for restoring large batches (a store with a big batch and no unflushed
     * writes). Of several operations on one key only the last is kept. Returns the revision of its last
     * operation. Waits like a writer while compaction is behind, so a long restore is paced by compaction. A
     * batch of less than a quarter of the memtable size goes through the memtable, waiting for room in the
     * runtime's memtable budget like {@link #write}; a larger one never waits for that room: its caller
     * holds it in memory already and may be what such a wait would wait for.
     */
    default long ingest(WriteBatch batch) {
        return write(batch);
    }

    /** The latest value of {@code key}, or null. */
    byte[] get(byte[] key);

    /** An iterator over {@code range} at the latest revision, ascending or descending. */
    StoreIterator iterator(KeyRange range, boolean reverse);

    /**
     * The value of {@code key} at {@code revision}: the newest version at or below it.
     *
     * @throws RevisionTrimmedException if {@code revision} is below {@link #trimHorizon()}
     * @throws IllegalArgumentException if {@code revision} is above {@link #lastRevision()}
     */
    byte[] get(byte[] key, long revision);

    /** An iterator over {@code range} at {@code revision}; the same checks as {@link #get(byte[], long)}. */
    StoreIterator iterator(KeyRange range, boolean reverse, long revision);

    /**
     * The lowest revision readable with {@link #get(byte[], long)}: with no history retained, the last
     * revision; otherwise the oldest revision the retention and {@link #trimHistory} still keep.
     */
    long trimHorizon();

    /**
     * Gives up history below {@code revision} (etcd's {@code compact(rev)}): reads below it fail from now
     * on and compaction may drop what only they could see. Never passes the recovery point, which must
     * stay reconstructable. Returns the trim horizon in effect afterwards; durable with the next flush.
     */
    long trimHistory(long revision);

    /**
     * Records a commit point at the current revision with {@code offsets} merged into the committed
     * ones: a null value removes that name, an empty map removes all; any long is stored as given
     * (negative sentinels included). Returns the commit point's revision.
     */
    default long commit(Map<String, Long> offsets) {
        return commit(offsets, null);
    }

    /**
     * As {@link #commit(Map)}, also recording {@code position} (opaque bytes, for example Kafka
     * Streams' query position) with the commit point; null keeps the previous position.
     */
    long commit(Map<String, Long> offsets, byte[] position);

    /**
     * Flushes, then records a commit point with the latest offsets and position and the value format
     * {@code format} ({@link StoreOptions#format()}) in one synced manifest edit, so a crash leaves either
     * the previous commit point under the old format or this one under the new: for rewriting every value
     * into a new format after opening with the old one (commit before rewriting, so a crash rolls the
     * rewrite back). The next open must name {@code format}. REQUIRES: no write runs concurrently.
     * Returns the commit point's revision.
     */
    long commitFormat(String format);

    /** The offsets of the latest commit point (after open, the recovery point's); empty if none. Unmodifiable. */
    Map<String, Long> committedOffsets();

    /** The position of the latest commit point; an empty array if none. */
    byte[] committedPosition();

    /** Pins the latest revision for reads. */
    Snapshot snapshot();

    /**
     * The revision of the latest commit point (after open, the recovery point's), or empty if the store was
     * never committed.
     */
    OptionalLong committedRevision();

    /**
     * The revision of the commit point a crash now would reopen at (the newest one the manifest holds durably
     * whose revision is flushed), or empty if a crash now would find none. Never above {@link #committedRevision()};
     * for decisions that must hold after a crash, such as what a {@link CompactionFilter} may drop.
     */
    OptionalLong recoveryRevision();

    /**
     * Pins the latest commit point's revision for reads: the state {@link #commit} last described, without
     * the writes since (a read-committed view; a crash or reopen rolls back to it or an older point). Close
     * it when done, like {@link #snapshot()}.
     *
     * @throws IllegalStateException if the store was never committed
     */
    Snapshot committedSnapshot();

    /** The last revision assigned (and visible to reads). */
    long lastRevision();

    /** Writes every memtable to SSTables and waits until they are durable. */
    void flush();

    /**
     * Compacts every table holding keys in {@code [from, to]} (null = unbounded; both null = the whole
     * store) down to the last level, dropping superseded versions and tombstones no snapshot needs.
     * Flushes first; blocks until done. {@code from > to} is an empty range: nothing happens.
     */
    void compactRange(byte[] from, byte[] to);

    /**
     * Removes every table whose keys all lie in {@code range}, with one manifest edit and no tombstone
     * (RocksDB's {@code DeleteFilesInRange}): the way time-segmented stores drop expired segments in
     * proportion to files, not records. Keys of {@code range} held by memtables or by tables that also hold
     * keys outside it stay, so after this call a read in {@code range} may return any of the key's versions,
     * or none: the caller must treat the range as gone and stop reading and writing it. Cheap to call again
     * (it only looks at the table list), which is how leftovers go once compaction has moved them into
     * tables of their own (see {@link dev.sediment.store.compaction.CompactionOptions#cutPrefixBytes()}).
     * Does not wait for a running compaction, nor is put off by one: only the tables it is reading stay, for a
     * later call to find among its outputs.
     */
    DroppedTables dropRange(KeyRange range);

    StoreStats stats();

    /**
     * Flushes memtables, waits for background work and releases files and the directory lock.
     * Closes open iterators and snapshots. Idempotent.
     */
    @Override
    void close();
}
