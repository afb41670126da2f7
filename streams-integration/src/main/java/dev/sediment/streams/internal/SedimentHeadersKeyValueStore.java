package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.HeadersBytesStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.Map;

/**
 * A key-value store in Kafka's headers format (KIP-1271): values are {@code [headersSize varint][headers]
 * [timestamp 8B][value]} as Kafka's headers-aware layers write them, and restore delivers them in that form
 * because this store is a {@link HeadersBytesStore} (Kafka converts changelog records by the innermost
 * store's marker). The bytes are stored as given, so everything else is the key-value store's: this class
 * only carries the marker (and not {@code TimestampedBytesStore}, as Kafka's RocksDB headers store) and
 * delegates.
 */
public final class SedimentHeadersKeyValueStore implements KeyValueStore<Bytes, byte[]>, HeadersBytesStore {
    /** The value format recorded in the manifest. */
    static final String FORMAT = "headers";
    /**
     * A timestamped or plain store's files are upgraded at open, as Kafka's headers stores upgrade theirs: every
     * value gets empty headers (a plain one also Kafka's "no timestamp", -1). Never the other way round.
     */
    private static final FormatUpgrade UPGRADE = new FormatUpgrade(Map.of(
            SedimentKeyValueStore.TIMESTAMPED, HeadersBytesStore::convertToHeaderFormat,
            SedimentKeyValueStore.PLAIN, HeadersBytesStore::convertFromPlainToHeaderFormat), KeyRange.all());
    private final SedimentKeyValueStore store;

    public SedimentHeadersKeyValueStore(String name) {
        this.store = new SedimentKeyValueStore(name, FORMAT, UPGRADE);
    }

    /** Tests: the file system of the engine store, set before {@link #init}. */
    void fileSystem(dev.sediment.store.fs.FileSystem fs) {
        store.fileSystem(fs);
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        store.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        store.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return store.committedOffset(partition);
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return store.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return store.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return store.getPosition();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        store.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return store.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        store.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return store.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return store.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return store.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return store.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return store.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return store.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return store.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return store.approximateNumEntries();
    }

    /** Bytes written since the last commit, for KIP-892's {@code statestore.uncommitted.max.bytes}. */
    public long approximateNumUncommittedBytes() {
        return store.approximateNumUncommittedBytes();
    }

    /**
     * KIP-892 (Kafka 4.4): the key-value store's view of the last commit point at READ_COMMITTED in
     * transactional mode (the bytes are the same), otherwise this store. No {@code @Override}: not in Kafka 4.3.
     */
    public ReadOnlyKeyValueStore<Bytes, byte[]> readOnly(IsolationLevel level) {
        ReadOnlyKeyValueStore<Bytes, byte[]> view = store.readOnly(level);
        return view == store ? this : view;
    }
}
