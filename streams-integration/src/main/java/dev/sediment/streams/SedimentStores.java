package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentHeadersBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentKeyValueBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentVersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;

import java.time.Duration;
import java.util.Objects;

import static org.apache.kafka.streams.internals.ApiUtils.prepareMillisCheckFailMsgPrefix;
import static org.apache.kafka.streams.internals.ApiUtils.validateMillisecondDuration;

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

    /**
     * A persistent key-value store supplier in Kafka's headers format (KIP-1271), as Kafka's
     * {@code Stores.persistentTimestampedKeyValueStoreWithHeaders}: values keep the record's headers and
     * timestamp, for {@code Stores.timestampedKeyValueStoreWithHeadersBuilder(...)}, {@code Materialized.as(...)}
     * or the DSL under {@code dsl.store.format=HEADERS}.
     */
    public static KeyValueBytesStoreSupplier timestampedKeyValueStoreWithHeaders(String name) {
        Objects.requireNonNull(name, "name cannot be null");
        return new SedimentHeadersBytesStoreSupplier(name);
    }

    /**
     * A persistent versioned key-value store supplier (KIP-889), for {@code Materialized.as(...)} or
     * {@code Stores.versionedKeyValueStoreBuilder(...)}, as Kafka's {@code Stores.persistentVersionedKeyValueStore}:
     * versions older than observed stream time minus {@code historyRetention} are not readable (only the latest
     * version never expires), puts older than that are refused, and compaction drops what no read can see.
     * The observed stream time survives a restart (Kafka's RocksDB store forgets it).
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code historyRetention} is negative or not a millisecond duration
     */
    public static VersionedBytesStoreSupplier versionedKeyValueStore(String name, Duration historyRetention) {
        Objects.requireNonNull(name, "name cannot be null");
        long historyRetentionMs = historyRetentionMs(historyRetention);
        return new SedimentVersionedBytesStoreSupplier(name, historyRetentionMs,
                SedimentVersionedBytesStoreSupplier.defaultSegmentInterval(historyRetentionMs));
    }

    /**
     * As {@link #versionedKeyValueStore(String, Duration)}, with Kafka's {@code segmentInterval}: Sediment keeps
     * one engine per store, so the interval only decides how long a multi-version query still lists an expired
     * version (as Kafka does until the version's segment is dropped).
     *
     * @throws IllegalArgumentException also if {@code segmentInterval} is zero or negative
     */
    public static VersionedBytesStoreSupplier versionedKeyValueStore(String name, Duration historyRetention,
                                                                     Duration segmentInterval) {
        Objects.requireNonNull(name, "name cannot be null");
        long historyRetentionMs = historyRetentionMs(historyRetention);
        String siMsgPrefix = prepareMillisCheckFailMsgPrefix(segmentInterval, "segmentInterval");
        long segmentIntervalMs = validateMillisecondDuration(segmentInterval, siMsgPrefix);
        if (segmentIntervalMs < 1L) {
            throw new IllegalArgumentException("segmentInterval cannot be zero or negative");
        }
        return new SedimentVersionedBytesStoreSupplier(name, historyRetentionMs, segmentIntervalMs);
    }

    private static long historyRetentionMs(Duration historyRetention) {
        String hrMsgPrefix = prepareMillisCheckFailMsgPrefix(historyRetention, "historyRetention");
        long historyRetentionMs = validateMillisecondDuration(historyRetention, hrMsgPrefix);
        if (historyRetentionMs < 0L) {
            throw new IllegalArgumentException("historyRetention cannot be negative");
        }
        return historyRetentionMs;
    }
}
