package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.StoreIterator;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Set;

/**
 * A key-value store as of its last commit point (KIP-892's READ_COMMITTED): every read pins the engine's
 * committed snapshot, so writes since the last {@code commit} — which a crash would roll back — are never
 * seen. Holds nothing between reads: Kafka asks for a view per query and never closes it. An iterator pins
 * its snapshot until it is closed.
 */
final class ReadCommittedKeyValueView implements ReadOnlyKeyValueStore<Bytes, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(ReadCommittedKeyValueView.class);

    private final EngineStoreCore core;
    private final Set<SedimentKeyValueIterator> openIterators;

    /** @param openIterators the store's open iterators, closed with it */
    ReadCommittedKeyValueView(EngineStoreCore core, Set<SedimentKeyValueIterator> openIterators) {
        this.core = core;
        this.openIterators = openIterators;
    }

    @Override
    public byte[] get(Bytes key) {
        Objects.requireNonNull(key, "key cannot be null");
        try (Snapshot snap = core.committedSnapshot()) {
            return snap.get(key.get());
        }
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return iterator(KafkaKeyRanges.closed(from, to, log), false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return iterator(KafkaKeyRanges.closed(from, to, log), true);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return iterator(KeyRange.all(), false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return iterator(KeyRange.all(), true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return iterator(KafkaKeyRanges.prefix(prefix, prefixKeySerializer), false);
    }

    private KeyValueIterator<Bytes, byte[]> iterator(KeyRange range, boolean reverse) {
        StoreIterator pinned = PinnedIterator.over(core.committedSnapshot(), range, reverse);
        SedimentKeyValueIterator it = new SedimentKeyValueIterator(core.name(), pinned, openIterators::remove);
        openIterators.add(it);
        return it;
    }

    /** The store's estimate: uncommitted entries are a small part of it, and it is approximate anyway. */
    @Override
    public long approximateNumEntries() {
        long n = core.store().stats().approximateEntries();
        return n < 0 ? Long.MAX_VALUE : n;
    }
}
