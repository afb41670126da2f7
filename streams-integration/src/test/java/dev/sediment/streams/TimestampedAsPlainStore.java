package dev.sediment.streams;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code TimestampedKeyValueStore<K, V>} seen as a {@code KeyValueStore<K, V>}, so Kafka's
 * {@code AbstractKeyValueStoreTest} can drive a timestamped store: values are written with a fixed record
 * timestamp and read back without it. Everything else passes through.
 */
final class TimestampedAsPlainStore<K, V> implements KeyValueStore<K, V> {
    static final long TIMESTAMP = 42L;

    private final TimestampedKeyValueStore<K, V> inner;

    TimestampedAsPlainStore(TimestampedKeyValueStore<K, V> inner) {
        this.inner = inner;
    }

    private static <V> V value(ValueAndTimestamp<V> v) {
        return v == null ? null : v.value();
    }

    private static <V> ValueAndTimestamp<V> stamped(V v) {
        return v == null ? null : ValueAndTimestamp.make(v, TIMESTAMP);
    }

    @Override
    public void put(K key, V value) {
        inner.put(key, stamped(value));
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return value(inner.putIfAbsent(key, stamped(value)));
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        List<KeyValue<K, ValueAndTimestamp<V>>> stamped = new ArrayList<>();
        for (KeyValue<K, V> e : entries) {
            stamped.add(KeyValue.pair(e.key, stamped(e.value)));
        }
        inner.putAll(stamped);
    }

    @Override
    public V delete(K key) {
        return value(inner.delete(key));
    }

    @Override
    public V get(K key) {
        return value(inner.get(key));
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return new Unstamped<>(inner.range(from, to));
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return new Unstamped<>(inner.reverseRange(from, to));
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return new Unstamped<>(inner.all());
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return new Unstamped<>(inner.reverseAll());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        return new Unstamped<>(inner.prefixScan(prefix, prefixKeySerializer));
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    private static final class Unstamped<K, V> implements KeyValueIterator<K, V> {
        private final KeyValueIterator<K, ValueAndTimestamp<V>> it;

        Unstamped(KeyValueIterator<K, ValueAndTimestamp<V>> it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public KeyValue<K, V> next() {
            KeyValue<K, ValueAndTimestamp<V>> e = it.next();
            return KeyValue.pair(e.key, value(e.value));
        }

        @Override
        public K peekNextKey() {
            return it.peekNextKey();
        }

        @Override
        public void close() {
            it.close();
        }
    }
}
