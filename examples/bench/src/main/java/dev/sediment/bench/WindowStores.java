package dev.sediment.bench;

import dev.sediment.streams.SedimentStores;
import java.time.Duration;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/** Each compared store's window store supplier: the innermost {@code WindowStore<Bytes, byte[]>} it builds. */
final class WindowStores {
    private WindowStores() {
    }

    static WindowBytesStoreSupplier supplier(StoreKind kind, String name, Duration retention, Duration windowSize) {
        return switch (kind) {
            case SEDIMENT -> SedimentStores.windowStore(name, retention, windowSize, false);
            case ROCKSDB -> Stores.persistentWindowStore(name, retention, windowSize, false);
            case IN_MEMORY -> Stores.inMemoryWindowStore(name, retention, windowSize, false);
        };
    }
}
