package dev.sediment.streams.internal;

import dev.sediment.store.KeyRange;
import dev.sediment.store.Snapshot;
import dev.sediment.store.Store;
import dev.sediment.store.StoreIterator;

import java.util.function.Supplier;

/**
 * Where a store type's reads go: the engine store itself, which sees every write (READ_UNCOMMITTED), or a
 * snapshot at its last commit point (KIP-892's READ_COMMITTED), which {@link #close} releases. One read
 * path serves both.
 */
interface EngineReader extends AutoCloseable {
    byte[] get(byte[] key);

    StoreIterator iterator(KeyRange range, boolean reverse);

    /** Releases a pinned snapshot; nothing for the store itself. */
    @Override
    void close();

    /** Reads the store {@code store} gives at each call (an {@link EngineStoreCore} drains a restore first). */
    static EngineReader live(Supplier<Store> store) {
        return new EngineReader() {
            @Override
            public byte[] get(byte[] key) {
                return store.get().get(key);
            }

            @Override
            public StoreIterator iterator(KeyRange range, boolean reverse) {
                return store.get().iterator(range, reverse);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Reads {@code snapshot} until closed, then closes it. */
    static EngineReader pinned(Snapshot snapshot) {
        return new EngineReader() {
            @Override
            public byte[] get(byte[] key) {
                return snapshot.get(key);
            }

            @Override
            public StoreIterator iterator(KeyRange range, boolean reverse) {
                return snapshot.iterator(range, reverse);
            }

            @Override
            public void close() {
                snapshot.close();
            }
        };
    }
}
