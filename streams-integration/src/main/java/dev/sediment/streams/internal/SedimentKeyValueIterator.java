package dev.sediment.streams.internal;

import dev.sediment.store.StoreIterator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A Kafka {@link KeyValueIterator} over an engine {@link StoreIterator}, which reads a snapshot: writes to
 * the store while iterating are not seen and never break it. Not thread-safe, like Kafka's iterators.
 */
final class SedimentKeyValueIterator implements KeyValueIterator<Bytes, byte[]> {
    private final String storeName;
    private final StoreIterator it;
    private final Consumer<SedimentKeyValueIterator> onClose;
    private volatile boolean open = true;

    SedimentKeyValueIterator(String storeName, StoreIterator it, Consumer<SedimentKeyValueIterator> onClose) {
        this.storeName = storeName;
        this.it = it;
        this.onClose = onClose;
    }

    private void checkOpen() {
        if (!open) {
            throw new InvalidStateStoreException("iterator of store " + storeName + " is closed");
        }
    }

    @Override
    public boolean hasNext() {
        checkOpen();
        return it.valid();
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue<Bytes, byte[]> kv = KeyValue.pair(Bytes.wrap(it.key()), it.value());
        it.next();
        return kv;
    }

    @Override
    public Bytes peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return Bytes.wrap(it.key());
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            it.close();
            onClose.accept(this);
        }
    }
}
