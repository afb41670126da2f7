package dev.sediment.store.sstable;

import dev.sediment.store.Compression;
import dev.sediment.store.encoding.ByteWriter;
import dev.sediment.store.encoding.LittleEndian;
import dev.sediment.store.fs.WritableFile;
import dev.sediment.store.key.InternalKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes one SSTable in the format specified by {@code store/FORMAT.md} (section "SSTable"): data
 * blocks, filter block, index block, properties block, footer. Entries must arrive in strictly
 * increasing internal-key order. Not thread-safe.
 *
 * <p>Output is buffered and handed to the file in chunks of about {@value #FLUSH_BYTES} bytes. If a
 * method throws an {@link IOException} the writer is broken: only {@link #abandon()} may follow.
 */
public final class TableWriter {
    private static final int FLUSH_BYTES = 64 * 1024;

    private final Path path;
    private final WritableFile file;
    private final TableOptions options;
    private final BlockCodec codec;
    /** Where the data blocks also go, uncompressed, or null. */
    private final CacheFill cacheFill;
    /** ZSTD requested but unavailable becomes NONE here, and in the properties block. */
    private final Compression compression;

    private final BlockBuilder dataBlock;
    private final BlockBuilder indexBlock = new BlockBuilder(1);
    private final BloomFilter.Builder filter;
    private final ByteWriter out = new ByteWriter(FLUSH_BYTES + 8192);
    private final ByteWriter handleScratch = new ByteWriter(BlockHandle.MAX_ENCODED_BYTES);
    /** Bytes of the table produced so far: appended to the file plus pending in {@link #out}. */
    private long offset;

    private byte[] keyScratch = new byte[64];
    private byte[] lastUserKey = new byte[64];
    private int lastUserKeyLen;
    private long lastTrailer;
    /** Set after a data block is cut: its index entry waits for the next key to pick a separator. */
    private BlockHandle pendingIndexHandle;

    private long entries;
    private long tombstones;
    private long rawKeyBytes;
    private long rawValueBytes;
    private long dataBlocks;
    private byte[] smallestKey;
    private long smallestTrailer;
    private long minRevision = Long.MAX_VALUE;
    private long maxRevision = Long.MIN_VALUE;

    private enum State { OPEN, FINISHED, BROKEN, ABANDONED }

    private State state = State.OPEN;

    /**
     * @param path    the file's path, for error messages
     * @param file    where the bytes go; the writer closes it in {@link #finish()} or {@link #abandon()}
     */
    public TableWriter(Path path, WritableFile file, TableOptions options) {
        this(path, file, options, BlockCodec.create(), null);
    }

    /**
     * @param cacheFill where each data block also goes as it is written, uncompressed (the block cache), or
     *                  null; {@link #abandon()} drops them again
     */
    public TableWriter(Path path, WritableFile file, TableOptions options, CacheFill cacheFill) {
        this(path, file, options, BlockCodec.create(), cacheFill);
    }

    /** With a given codec: tests use one that pretends zstd did not load. */
    TableWriter(Path path, WritableFile file, TableOptions options, BlockCodec codec) {
        this(path, file, options, codec, null);
    }

    private TableWriter(Path path, WritableFile file, TableOptions options, BlockCodec codec, CacheFill cacheFill) {
        this.cacheFill = cacheFill;
        this.path = path;
        this.file = file;
        this.options = options;
        this.codec = codec;
        this.compression = codec.effective(options.compression());
        this.dataBlock = new BlockBuilder(options.restartInterval());
        this.filter = options.bloomBitsPerKey() > 0 ? new BloomFilter.Builder(options.bloomBitsPerKey()) : null;
    }

    /**
     * Adds an entry. REQUIRES: {@code (userKey, trailer)} sorts strictly after the previous entry
     * (checked: IllegalArgumentException otherwise); not called after finish/abandon.
     */
    public void add(byte[] userKey, long trailer, byte[] value) throws IOException {
        add(userKey, trailer, value, 0, value.length);
    }

    /** As {@link #add(byte[], long, byte[])}, the value being {@code value[valueOff, valueOff + valueLen)}. */
    public void add(byte[] userKey, long trailer, byte[] value, int valueOff, int valueLen) throws IOException {
        checkOpen();
        boolean newUserKey;
        if (entries == 0) {
            smallestKey = userKey.clone();
            smallestTrailer = trailer;
            newUserKey = true;
        } else {
            int c = Arrays.compareUnsigned(lastUserKey, 0, lastUserKeyLen, userKey, 0, userKey.length);
            if (c > 0 || (c == 0 && Long.compareUnsigned(trailer, lastTrailer) >= 0)) {
                throw new IllegalArgumentException("keys out of order in " + path + ": "
                        + InternalKeys.toDebugString(userKey, trailer) + " added after "
                        + InternalKeys.toDebugString(Arrays.copyOf(lastUserKey, lastUserKeyLen), lastTrailer));
            }
            newUserKey = c != 0;
        }
        if (pendingIndexHandle != null) {
            byte[] sep = KeySeparators.shortestSeparator(lastUserKey, lastUserKeyLen, userKey);
            addIndexEntry(sep);
        }
        if (filter != null && newUserKey) {
            filter.add(userKey);
        }

        int keyLen = userKey.length + InternalKeys.TRAILER_BYTES;
        if (keyScratch.length < keyLen) {
            keyScratch = new byte[Math.max(keyLen, keyScratch.length * 2)];
        }
        System.arraycopy(userKey, 0, keyScratch, 0, userKey.length);
        LittleEndian.putLong(keyScratch, userKey.length, trailer);
        dataBlock.add(keyScratch, keyLen, value, valueOff, valueLen);

        if (newUserKey) {
            if (lastUserKey.length < userKey.length) {
                lastUserKey = new byte[Math.max(userKey.length, lastUserKey.length * 2)];
            }
            System.arraycopy(userKey, 0, lastUserKey, 0, userKey.length);
            lastUserKeyLen = userKey.length;
        }
        lastTrailer = trailer;
        entries++;
        if (InternalKeys.isDelete(trailer)) {
            tombstones++;
        }
        rawKeyBytes += userKey.length;
        rawValueBytes += valueLen;
        long revision = InternalKeys.revision(trailer);
        minRevision = Math.min(minRevision, revision);
        maxRevision = Math.max(maxRevision, revision);

        if (dataBlock.estimatedSizeBytes() >= options.blockSizeBytes()) {
            flushDataBlock();
        }
    }

    /** Entries added so far. */
    public long entries() {
        return entries;
    }

    /** Bytes written so far plus the buffered block: what the file would roughly weigh if finished now. */
    public long estimatedSizeBytes() {
        return offset + dataBlock.estimatedSizeBytes();
    }

    /**
     * Writes the last data block, filter, index, properties and footer, syncs and closes the file.
     * REQUIRES: at least one entry was added.
     */
    public TableProperties finish() throws IOException {
        checkOpen();
        if (entries == 0) {
            throw new IllegalStateException("cannot finish " + path + " without entries");
        }
        state = State.BROKEN; // until everything below succeeds
        if (!dataBlock.isEmpty()) {
            flushDataBlock();
        }
        addIndexEntry(KeySeparators.shortSuccessor(lastUserKey, lastUserKeyLen));

        BlockHandle filterHandle = new BlockHandle(0, 0);
        if (filter != null) {
            byte[] bits = filter.finish();
            // Filter bits look random: compressing them would only burn CPU.
            filterHandle = writeBlock(bits, 0, bits.length, Compression.NONE);
        }
        ByteWriter index = indexBlock.finish();
        BlockHandle indexHandle = writeBlock(index.array(), 0, index.size(), compression);

        // The properties block is stored uncompressed, so its size does not depend on the
        // file size it records (a fixed64 at its end, patched once the size is known).
        ByteWriter props = new ByteWriter(256);
        TableProperties p = properties(0);
        PropertiesCodec.encode(p, compression, options.bloomBitsPerKey(), props);
        long fileSize = offset + props.size() + BlockCodec.TRAILER_BYTES + Footer.ENCODED_BYTES;
        p = properties(fileSize);
        props.reset();
        PropertiesCodec.encode(p, compression, options.bloomBitsPerKey(), props);
        BlockHandle propsHandle = writeBlock(props.array(), 0, props.size(), Compression.NONE);

        new Footer(indexHandle, filterHandle, propsHandle, Footer.FORMAT_VERSION).encodeTo(out);
        offset += Footer.ENCODED_BYTES;
        flushOut();
        if (offset != fileSize) {
            throw new IllegalStateException("wrote " + offset + " bytes to " + path + ", expected " + fileSize);
        }
        file.sync();
        file.close();
        state = State.FINISHED;
        return p;
    }

    /** Closes the file without finishing it; the caller deletes it. Idempotent, never throws. */
    public void abandon() {
        if (state == State.FINISHED || state == State.ABANDONED) {
            return;
        }
        state = State.ABANDONED;
        if (cacheFill != null) {
            cacheFill.abandoned();
        }
        try {
            file.close();
        } catch (IOException | RuntimeException e) {
            // The caller deletes the file; a failed close changes nothing for it.
        }
    }

    private TableProperties properties(long fileSizeBytes) {
        return new TableProperties(entries, tombstones, rawKeyBytes, rawValueBytes, dataBlocks, smallestKey,
                smallestTrailer, Arrays.copyOf(lastUserKey, lastUserKeyLen), lastTrailer, minRevision, maxRevision,
                fileSizeBytes);
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("table writer for " + path + " is " + state.name().toLowerCase());
        }
    }

    private void flushDataBlock() throws IOException {
        ByteWriter raw = dataBlock.finish();
        try {
            pendingIndexHandle = writeBlock(raw.array(), 0, raw.size(), compression);
            if (cacheFill != null) {
                cacheFill.written(pendingIndexHandle.offset(), raw.array(), raw.size());
            }
        } catch (IOException | RuntimeException e) {
            state = State.BROKEN;
            throw e;
        }
        dataBlock.reset();
        dataBlocks++;
    }

    /**
     * Adds the index entry of the pending block, keyed by {@code shortened} (with the highest
     * trailer) or, if null, by the block's last internal key.
     */
    private void addIndexEntry(byte[] shortened) {
        byte[] userKey = shortened != null ? shortened : lastUserKey;
        int userKeyLen = shortened != null ? shortened.length : lastUserKeyLen;
        long trailer = shortened != null ? InternalKeys.seekTrailer(InternalKeys.MAX_REVISION) : lastTrailer;
        int keyLen = userKeyLen + InternalKeys.TRAILER_BYTES;
        byte[] key = new byte[keyLen];
        System.arraycopy(userKey, 0, key, 0, userKeyLen);
        LittleEndian.putLong(key, userKeyLen, trailer);
        handleScratch.reset();
        pendingIndexHandle.encodeTo(handleScratch);
        indexBlock.add(key, keyLen, handleScratch.array(), 0, handleScratch.size());
        pendingIndexHandle = null;
    }

    private BlockHandle writeBlock(byte[] raw, int off, int len, Compression c) throws IOException {
        long blockOffset = offset;
        int size = codec.encode(raw, off, len, c, options.zstdLevel(), out);
        offset += size + BlockCodec.TRAILER_BYTES;
        if (out.size() >= FLUSH_BYTES) {
            flushOut();
        }
        return new BlockHandle(blockOffset, size);
    }

    private void flushOut() throws IOException {
        if (out.size() > 0) {
            file.append(out.array(), 0, out.size());
            out.reset();
        }
    }
}
