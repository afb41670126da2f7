package org.apache.kafka.streams.state.internals;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's own session store suite (kafka-streams 4.3.1 test jar) against {@code SedimentStores.sessionStore}.
 * The suite branches on its store type in two tests: ours behaves as Kafka's time-ordered RocksDB session store
 * there (segment-wise retention, and {@code findSessions(earliestEnd, latestStart)} supported, which Kafka's
 * plain RocksDB session store refuses).
 */
class SedimentSessionStoreContractTest extends AbstractSessionBytesStoreTest {
    @Override
    StoreType storeType() {
        return StoreType.RocksDBTimeOrderedSessionStoreWithoutIndex;
    }

    /** A name per store: two suite tests open a second store beside their setup's in the same state directory. */
    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    <K, V> SessionStore<K, V> buildSessionStore(long retentionPeriod, Serde<K> keySerde, Serde<V> valueSerde) {
        return Stores.sessionStoreBuilder(SedimentStores.sessionStore("sediment-session-" + STORES.incrementAndGet(), Duration.ofMillis(retentionPeriod)),
                keySerde, valueSerde).build();
    }
}
