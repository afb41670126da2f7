package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.StoreIterator;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Iterates the entries of a time-segmented store over a list of segments, in the given order, one engine
 * iterator per segment, each opened only when reached (as Kafka's segment iterator does: a segment's
 * content is read as of when the iteration gets to it). Entries whose store key {@code accept} refuses are
 * skipped. Reads through an {@link EngineReader} (the store, or a snapshot at its last commit point), which
 * it closes with itself. After close, also by the store's close, {@link #hasNext()} is false. Not thread-safe.
 *
 * @param <K> what a store key is turned into (a timestamp, a {@code Windowed<Bytes>})
 */
class SegmentedIterator<K> implements KeyValueIterator<K, byte[]> {
    private final EngineReader reader;
    private final long[] segments;
    private final LongFunction<KeyRange> rangeOf;
    private final UnaryOperator<byte[]> toStoreKey;
    private final Predicate<byte[]> accept;
    private final Function<byte[], K> keyOf;
    private final boolean reverse;
    private final Consumer<SegmentedIterator<?>> onClose;
    private int nextSegment;
    private StoreIterator current;
    private byte[] storeKey;
    private byte[] value;
    private volatile boolean open = true;

    /**
     * @param segments   the segments to read, in iteration order
     * @param toStoreKey turns what follows an engine key's segment and family into Kafka's store key
     */
    SegmentedIterator(EngineReader reader, long[] segments, LongFunction<KeyRange> rangeOf,
                      UnaryOperator<byte[]> toStoreKey, Predicate<byte[]> accept, Function<byte[], K> keyOf,
                      boolean reverse, Consumer<SegmentedIterator<?>> onClose) {
        this.reader = reader;
        this.segments = segments;
        this.rangeOf = rangeOf;
        this.toStoreKey = toStoreKey;
        this.accept = accept;
        this.keyOf = keyOf;
        this.reverse = reverse;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        if (!open) {
            return false;
        }
        while (storeKey == null) {
            if (current == null) {
                if (nextSegment == segments.length) {
                    return false;
                }
                current = reader.iterator(rangeOf.apply(segments[nextSegment++]), reverse);
            }
            if (!current.valid()) {
                current.close();
                current = null;
                continue;
            }
            byte[] k = toStoreKey.apply(SegmentedKeys.storeKey(current.key()));
            if (accept.test(k)) {
                storeKey = k;
                value = current.value();
            }
            current.next();
        }
        return true;
    }

    @Override
    public KeyValue<K, byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue<K, byte[]> kv = KeyValue.pair(keyOf.apply(storeKey), value);
        storeKey = null;
        value = null;
        return kv;
    }

    @Override
    public K peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return keyOf.apply(storeKey);
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            try {
                if (current != null) {
                    current.close();
                    current = null;
                }
            } finally {
                reader.close();
                onClose.accept(this);
            }
        }
    }
}
