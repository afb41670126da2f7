package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentKeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * Sediment stores for Kafka Streams, in the manner of Kafka's {@code Stores}.
 *
 * <pre>{@code
 * builder.stream("in").groupByKey().count(Materialized.as(SedimentStores.keyValueStore("counts")));
 * // or for every DSL key-value store of a topology:
 * props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
 * }</pre>
 *
 * <p>The store is persistent, keeps its files in {@code <state.dir>/<task>/<store name>}, manages its
 * changelog offsets itself (KIP-1035) and, after a crash, opens at its last commit point instead of being
 * wiped, also under {@code exactly_once_v2}. It implements {@code TimestampedBytesStore}, so the DSL and
 * IQv2 use it without an adapter. Kafka's wrappers add metering, caching and change-logging around it.
 * All stores of a JVM share one runtime (memory budget, block cache, background pool), configured by the
 * {@code sediment.} keys listed in {@link SedimentConfig}:
 * {@value SedimentConfig#MEMORY_BYTES} (256 MiB), {@value SedimentConfig#BLOCK_CACHE_FRACTION} (0.5),
 * {@value SedimentConfig#MEMTABLE_BYTES} (8 MiB), {@value SedimentConfig#MAX_OPEN_FILES} (1000),
 * {@value SedimentConfig#COMPRESSION} (zstd), {@value SedimentConfig#TOMBSTONE_RETENTION_MS} (12 h),
 * {@value SedimentConfig#MAX_REPLAY_AGE_MS} (30 s).
 */
public final class SedimentStores {
    /** Metrics scope of Sediment stores: their metrics carry the tag {@code sediment-state-id}. */
    public static final String METRICS_SCOPE = "sediment";

    private SedimentStores() {
    }

    /** A persistent key-value store supplier, for {@code Materialized.as(...)} or {@code Stores.keyValueStoreBuilder(...)}. */
    public static KeyValueBytesStoreSupplier keyValueStore(String name) {
        return new SedimentKeyValueBytesStoreSupplier(name);
    }
}
