package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.CorruptionException;
import dev.sediment.store.StoreClosedException;
import dev.sediment.store.StoreIOException;
import dev.sediment.store.encoding.MalformedDataException;
import dev.sediment.store.fs.ReadableFile;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.KeyPrefix;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads one SSTable (format: {@code store/FORMAT.md}). {@link #open} checks the footer (magic,
 * format version, checksum) and reads the index, filter and properties blocks, verifying their
 * checksums; they stay in memory, {@link BlockCache#pin pinned} against the block cache's capacity until
 * {@link #close}, so the shared memory budget counts them. Data blocks are verified when read from the file and then cached
 * uncompressed under {@code (tableId, offset)}; cache hits are not re-verified.
 *
 * <p>Thread-safe: every field is final after {@link #open}, file reads are positional, and each
 * iterator keeps its own cursor. Many iterators may read one table concurrently.
 */
public final class TableReader implements Closeable {
    private final Path path;
    private final ReadableFile file;
    private final BlockCache cache;
    private final BlockCodec codec;
    private final long tableId;
    private final Footer footer;
    /** Offset of the footer = end of the last block's trailer. */
    private final long blocksEnd;
    private final Block index;
    /** The user-key prefix of every index entry ({@link BlockIterator#restartUserKeyPrefixes}). */
    private final long[] indexPrefixes;
    private final BloomFilter filter;
    private final PropertiesCodec.Decoded properties;
    /** What this reader keeps in memory for its life, pinned in the cache. */
    private final long residentBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The reader's own objects, file handle and decoded footer, beside its blocks: an estimate. */
    private static final int READER_OVERHEAD_BYTES = 512;

    private TableReader(Path path, ReadableFile file, BlockCache cache, BlockCodec codec, long tableId, Footer footer,
                        long blocksEnd, Block index, long[] indexPrefixes, BloomFilter filter,
                        PropertiesCodec.Decoded properties) {
        this.path = path;
        this.file = file;
        this.cache = cache;
        this.codec = codec;
        this.tableId = tableId;
        this.footer = footer;
        this.blocksEnd = blocksEnd;
        this.index = index;
        this.indexPrefixes = indexPrefixes;
        this.filter = filter;
        this.properties = properties;
        TableProperties p = properties.properties();
        this.residentBytes = READER_OVERHEAD_BYTES + index.data.length + 8L * indexPrefixes.length + (filter == null ? 0 : filter.sizeBytes())
                + p.smallestKey().length + p.largestKey().length;
        if (cache != null) {
            cache.pin(residentBytes);
        }
    }

    /**
     * @param path  the file's path, named in every error
     * @param file  the open file; the reader owns it and closes it in {@link #close()} (or here, if
     *              opening fails)
     * @param cache block cache for uncompressed data blocks, or null for none
     * @throws dev.sediment.store.CorruptionException naming the file and offset when anything fails to verify
     */
    public static TableReader open(Path path, ReadableFile file, BlockCache cache) throws IOException {
        return open(path, file, cache, BlockCodec.create(), BlockCache.newTableId());
    }

    /**
     * As {@link #open(Path, ReadableFile, BlockCache)}, with the blocks cached under {@code tableId}: the id a
     * {@link CacheFill} put the blocks in under as the table was written. Ids must be unique per table.
     */
    public static TableReader open(Path path, ReadableFile file, BlockCache cache, long tableId) throws IOException {
        return open(path, file, cache, BlockCodec.create(), tableId);
    }

    static TableReader open(Path path, ReadableFile file, BlockCache cache, BlockCodec codec) throws IOException {
        return open(path, file, cache, codec, BlockCache.newTableId());
    }

    private static TableReader open(Path path, ReadableFile file, BlockCache cache, BlockCodec codec, long tableId)
            throws IOException {
        try {
            long size = file.size();
            if (size < Footer.ENCODED_BYTES) {
                throw new CorruptionException(path, 0, "file of " + size + " bytes is shorter than the "
                        + Footer.ENCODED_BYTES + "-byte footer");
            }
            long footerOffset = size - Footer.ENCODED_BYTES;
            byte[] footerBytes = read(path, file, footerOffset, Footer.ENCODED_BYTES);
            Footer footer = Footer.decode(path, size, footerBytes);

            Block index;
            long[] indexPrefixes;
            try {
                index = new Block(readBlock(path, file, codec, footer.index()));
                indexPrefixes = new BlockIterator(index).restartUserKeyPrefixes();
            } catch (MalformedDataException e) {
                throw new CorruptionException(path, footer.index().offset(), "bad index block: " + e.getMessage(), e);
            }
            BloomFilter filter = null;
            if (footer.hasFilter()) {
                try {
                    filter = BloomFilter.decode(readBlock(path, file, codec, footer.filter()));
                } catch (MalformedDataException e) {
                    throw new CorruptionException(path, footer.filter().offset(), "bad filter block: " + e.getMessage(), e);
                }
            }
            PropertiesCodec.Decoded props;
            try {
                props = PropertiesCodec.decode(readBlock(path, file, codec, footer.properties()));
            } catch (MalformedDataException e) {
                throw new CorruptionException(path, footer.properties().offset(),
                        "bad properties block: " + e.getMessage(), e);
            }
            if (props.properties().fileSizeBytes() != size) {
                throw new CorruptionException(path, footer.properties().offset(), "properties record a file of "
                        + props.properties().fileSizeBytes() + " bytes, but the file has " + size);
            }
            return new TableReader(path, file, cache, codec, tableId, footer, footerOffset, index, indexPrefixes,
                    filter, props);
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Reads and verifies the block at {@code h}. REQUIRES: h lies within the file (Footer checked). */
    private static byte[] readBlock(Path path, ReadableFile file, BlockCodec codec, BlockHandle h) throws IOException {
        byte[] stored = read(path, file, h.offset(), (int) h.sizeBytes() + BlockCodec.TRAILER_BYTES);
        return codec.decode(path, h.offset(), stored);
    }

    private static byte[] read(Path path, ReadableFile file, long offset, int len) throws IOException {
        try {
            return file.readFully(offset, len);
        } catch (EOFException e) {
            throw new CorruptionException(path, offset, "file ends inside a " + len + "-byte read: truncated", e);
        }
    }

    public Path path() {
        return path;
    }

    /** The properties recorded by the writer. The key arrays are shared: do not modify them. */
    public TableProperties properties() {
        return properties.properties();
    }

    /** The compression the writer was configured with (blocks that did not shrink are stored as NONE). */
    Compression compression() {
        return properties.compression();
    }

    long tableId() {
        return tableId;
    }

    /** Bytes this open reader keeps in memory (index, filter, properties, itself), pinned in the block cache. */
    public long residentBytes() {
        return residentBytes;
    }

    /** False only if the table certainly holds no entry for {@code userKey} (bloom filter). */
    public boolean mayContain(byte[] userKey) {
        return filter == null || filter.mayContain(userKey);
    }

    /** A new unpositioned iterator over every entry, caching the blocks it reads. Must be closed. */
    public InternalIterator iterator() {
        return iterator(true);
    }

    /**
     * A new unpositioned iterator over every entry. Must be closed.
     *
     * @param fillCache whether blocks it reads go into the block cache; false for a compaction's reads
     *                  (RocksDB's {@code fill_cache = false}): they pass over every block once, of tables the
     *                  compaction is about to delete, and would push out the blocks gets keep coming back to.
     *                  Blocks already cached are still used, without touching their LRU place or the hit counts.
     */
    public InternalIterator iterator(boolean fillCache) {
        if (closed.get()) {
            throw new StoreClosedException("table " + path);
        }
        return new TableIterator(this, fillCache);
    }

    Block indexBlock() {
        return index;
    }

    /**
     * Positions {@code it}, reset onto {@link #indexBlock()}, as {@link BlockIterator#seek(byte[], long)} does, but
     * first narrows the restart points to search by binary-searching the dense prefix array: for keys whose first
     * eight bytes differ, the search then touches the index block's bytes about once instead of ~log2(blocks) times.
     */
    void seekIndex(BlockIterator it, byte[] userKey, long trailer) {
        long[] p = indexPrefixes;
        if (p.length == 0) {
            it.seek(userKey, trailer);
            return;
        }
        long prefix = KeyPrefix.of(userKey);
        int below = firstAtOrAbove(p, prefix, false) - 1; // the last entry surely below the key, or -1
        int above = firstAtOrAbove(p, prefix, true); // the first entry surely above it, or p.length
        it.seek(userKey, trailer, Math.max(0, below), Math.max(0, above - 1));
    }

    /** The first index whose prefix is {@code > prefix} (strictly) or {@code >= prefix}; {@code p.length} if none. */
    private static int firstAtOrAbove(long[] p, long prefix, boolean strictly) {
        int lo = 0;
        int hi = p.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(p[mid], prefix);
            if (c < 0 || strictly && c == 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    long indexOffset() {
        return footer.index().offset();
    }

    /**
     * The bytes of the data block at {@code [offset, offset + size)}, from the cache, or read, verified
     * (checksum and restart frame), uncompressed and cached. Allocates nothing on a cache hit.
     * Unchecked errors only: {@link CorruptionException}, {@link StoreIOException}, {@link StoreClosedException}.
     */
    byte[] dataBlock(long offset, long size) {
        return dataBlock(offset, size, true);
    }

    /** As {@link #dataBlock(long, long)}; without {@code fillCache}, see {@link #iterator(boolean)}. */
    byte[] dataBlock(long offset, long size, boolean fillCache) {
        return dataBlock(offset, size, fillCache, null);
    }

    /** As {@link #dataBlock(long, long, boolean)}; a miss reads through {@code readahead} if it is not null. */
    byte[] dataBlock(long offset, long size, boolean fillCache, Readahead readahead) {
        if (!BlockHandle.fitsWithin(offset, size, blocksEnd)) {
            throw new CorruptionException(path, offset, "data block handle [offset " + offset + ", size "
                    + size + "] lies outside the file's " + blocksEnd + " bytes of blocks");
        }
        if (cache != null) {
            byte[] cached = fillCache ? cache.get(tableId, offset) : cache.peek(tableId, offset);
            if (cached != null) {
                return cached; // verified before it was cached
            }
        }
        if (closed.get()) {
            throw new StoreClosedException("table " + path);
        }
        byte[] raw = readDataBlock(offset, (int) size + BlockCodec.TRAILER_BYTES, readahead);
        if (cache != null && fillCache) {
            cache.recordMissRead(size + BlockCodec.TRAILER_BYTES);
        }
        try {
            Block.restartsOffset(raw);
        } catch (MalformedDataException e) {
            throw new CorruptionException(path, offset, "bad data block: " + e.getMessage(), e);
        }
        if (cache != null && fillCache) {
            cache.put(tableId, offset, raw);
        }
        return raw;
    }

    /**
     * Reads the stored block into this thread's scratch buffer and decodes it into the one array a miss
     * allocates: the block that is returned and cached. (Reading into a fresh array and decoding into another
     * cost a second array and, for an uncompressed block, a copy that was thrown away.) The scratch is a direct
     * buffer, so the {@code pread} fills it in place and the checksum and zstd read it there: reading into a
     * heap array costs the JDK a temporary direct buffer and a copy per read.
     */
    private byte[] readDataBlock(long offset, int storedLen, Readahead readahead) {
        try {
            ByteBuffer ahead = readahead == null ? null : readahead.read(file, offset, storedLen, blocksEnd);
            if (ahead != null) {
                return codec.decode(path, offset, ahead, storedLen);
            }
            if (storedLen <= ReadScratch.KEEP_BYTES) {
                ByteBuffer stored = ReadScratch.direct(storedLen);
                file.readFully(offset, stored);
                return codec.decode(path, offset, stored, storedLen);
            }
            byte[] stored = ReadScratch.get(storedLen);
            file.readFully(offset, stored, 0, storedLen);
            return codec.decode(path, offset, stored, storedLen);
        } catch (EOFException e) {
            throw new CorruptionException(path, offset, "file ends inside a " + storedLen + "-byte read: truncated", e);
        } catch (IOException e) {
            throw new StoreIOException("read of data block at offset " + offset + " of " + path, e);
        }
    }

    /** True if the bloom filter lets {@code hash} ({@link #keyHash}) through, or there is no filter. */
    public boolean mayContainHash(long hash) {
        return filter == null || filter.mayContain(hash);
    }

    /** The hash {@link #mayContainHash} takes: compute it once per key, test it against many tables. */
    public static long keyHash(byte[] userKey) {
        return BloomFilter.hash64(userKey);
    }

    /** Closes the file and drops this table's blocks from the cache. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            throw new StoreIOException("close of " + path, e);
        } finally {
            if (cache != null) {
                cache.evictTable(tableId);
                cache.unpin(residentBytes);
            }
        }
    }
}
