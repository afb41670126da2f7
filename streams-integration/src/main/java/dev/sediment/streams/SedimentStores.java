package dev.sediment.streams;

import dev.sediment.streams.internal.SedimentHeadersBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentKeyValueBytesStoreSupplier;
import dev.sediment.streams.internal.KafkaInternals;
import dev.sediment.streams.internal.SedimentSessionBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentVersionedBytesStoreSupplier;
import dev.sediment.streams.internal.SedimentWindowBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

import java.time.Duration;
import java.util.Objects;


/**
 * Sediment stores for Kafka Streams, named and shaped as Kafka's {@code Stores}. Each supplier goes with
 * the builder Kafka's matching supplier goes with:
 *
 * <table>
 * <caption>Which supplier with which builder</caption>
 * <tr><th>supplier</th><th>values</th><th>use it with</th><th>Kafka's equivalent</th></tr>
 * <tr><td>{@link #timestampedKeyValueStore}</td><td>8-byte record timestamp + value</td>
 *     <td>{@code Materialized.as(...)} (the DSL), {@code Stores.timestampedKeyValueStoreBuilder(...)}</td>
 *     <td>{@code Stores.persistentTimestampedKeyValueStore}</td></tr>
 * <tr><td>{@link #keyValueStore}</td><td>the value as given</td>
 *     <td>{@code Stores.keyValueStoreBuilder(...)} (Processor API)</td>
 *     <td>{@code Stores.persistentKeyValueStore}</td></tr>
 * <tr><td>{@link #timestampedKeyValueStoreWithHeaders}, {@link #timestampedWindowStoreWithHeaders},
 *     {@link #sessionStoreWithHeaders}</td><td>record headers + timestamp + value (KIP-1271)</td>
 *     <td>{@code Stores.*WithHeadersBuilder(...)}, {@code Materialized.as(...)}, {@code dsl.store.format=headers}</td>
 *     <td>{@code Stores.persistent*WithHeaders}</td></tr>
 * </table>
 *
 * <pre>{@code
 * builder.stream("in").groupByKey().count(Materialized.as(SedimentStores.timestampedKeyValueStore("counts")));
 * topology.addStateStore(Stores.keyValueStoreBuilder(SedimentStores.keyValueStore("seen"), keySerde, valueSerde), "p");
 * // or for every DSL key-value store of a topology (the format each operator asks for is chosen for it):
 * props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
 * }</pre>
 *
 * <p>Kafka converts restored changelog values by whether the innermost store is timestamped, so the pair
 * matters: the store records its format in its files, and opening it later as the other kind fails with a
 * {@code ProcessorStateException} that says how to fix it. A plain store under a timestamped builder works
 * through Kafka's adapter, which drops record timestamps and cannot answer IQv2 {@code RangeQuery}
 * (a WARN at startup says so).
 *
 * <p>The store is persistent, keeps its files in {@code <state.dir>/<task>/<store name>}, manages its
 * changelog offsets itself (KIP-1035) and, after a crash, opens at its last commit point instead of being
 * wiped, also under {@code exactly_once_v2}. Kafka's wrappers add metering, caching and change-logging
 * around it. All stores of a JVM share one runtime (memory budget, block cache, background pool),
 * configured by the {@code sediment.} keys listed in {@link SedimentConfig}.
 */
public final class SedimentStores {
    /** Metrics scope of Sediment stores: their metrics carry the tag {@code sediment-state-id}. */
    public static final String METRICS_SCOPE = "sediment";

    private SedimentStores() {
    }

    /**
     * A persistent plain key-value store supplier (not a {@code TimestampedBytesStore}), for
     * {@code Stores.keyValueStoreBuilder(...)}; like Kafka's {@code Stores.persistentKeyValueStore}.
     */
    public static KeyValueBytesStoreSupplier keyValueStore(String name) {
        return new SedimentKeyValueBytesStoreSupplier(name, false);
    }

    /**
     * A persistent timestamped key-value store supplier (a {@code TimestampedBytesStore}), for
     * {@code Materialized.as(...)} and {@code Stores.timestampedKeyValueStoreBuilder(...)}; like Kafka's
     * {@code Stores.persistentTimestampedKeyValueStore}.
     */
    public static KeyValueBytesStoreSupplier timestampedKeyValueStore(String name) {
        return new SedimentKeyValueBytesStoreSupplier(name, true);
    }

    /**
     * A persistent window store supplier, for {@code Stores.windowStoreBuilder(...)}: plain values. Same
     * arguments, checks and time segments ({@code max(retention / 2, 60 s)}) as Kafka's
     * {@code Stores.persistentWindowStore}, but one engine store for all segments. {@code retainDuplicates} keeps
     * every put (stream-stream joins).
     *
     * @throws IllegalArgumentException if a duration is negative, not representable in milliseconds, or the window
     *                                  size exceeds the retention period
     */
    public static WindowBytesStoreSupplier windowStore(String name, Duration retentionPeriod, Duration windowSize,
                                                       boolean retainDuplicates) {
        return window(name, retentionPeriod, windowSize, retainDuplicates, false);
    }

    /**
     * As {@link #windowStore}, values in Kafka's timestamped format: for
     * {@code Stores.timestampedWindowStoreBuilder(...)} and the DSL's window aggregations.
     */
    public static WindowBytesStoreSupplier timestampedWindowStore(String name, Duration retentionPeriod,
                                                                  Duration windowSize, boolean retainDuplicates) {
        return window(name, retentionPeriod, windowSize, retainDuplicates, true);
    }

    /**
     * As {@link #timestampedWindowStore}, values in Kafka's headers format (KIP-1271) as Kafka's
     * {@code Stores.persistentTimestampedWindowStoreWithHeaders}: for
     * {@code Stores.timestampedWindowStoreWithHeadersBuilder(...)}, {@code Materialized.as(...)} or the DSL under
     * {@code dsl.store.format=headers}. A store written by {@link #timestampedWindowStore} (or
     * {@link #windowStore}) is upgraded at its first open with this supplier, every value with empty headers.
     *
     * @throws IllegalArgumentException as {@link #windowStore}
     */
    public static WindowBytesStoreSupplier timestampedWindowStoreWithHeaders(String name, Duration retentionPeriod,
                                                                             Duration windowSize, boolean retainDuplicates) {
        WindowBytesStoreSupplier checked = window(name, retentionPeriod, windowSize, retainDuplicates, true);
        return new SedimentWindowBytesStoreSupplier.WithHeaders(name, checked.retentionPeriod(),
                checked.segmentIntervalMs(), checked.windowSize(), retainDuplicates, false);
    }

    private static WindowBytesStoreSupplier window(String name, Duration retentionPeriod, Duration windowSize,
                                                   boolean retainDuplicates, boolean timestamped) {
        Objects.requireNonNull(name, "name cannot be null");
        long retentionMs = KafkaInternals.validateMillis(retentionPeriod, "retentionPeriod");
        long windowSizeMs = KafkaInternals.validateMillis(windowSize, "windowSize");
        if (retentionMs < 0L) {
            throw new IllegalArgumentException("retentionPeriod cannot be negative");
        }
        if (windowSizeMs < 0L) {
            throw new IllegalArgumentException("windowSize cannot be negative");
        }
        if (windowSizeMs > retentionMs) {
            throw new IllegalArgumentException("The retention period of the window store " + name
                    + " must be no smaller than its window size. Got size=[" + windowSizeMs + "], retention=["
                    + retentionMs + "]");
        }
        return new SedimentWindowBytesStoreSupplier(name, retentionMs, defaultSegmentInterval(retentionMs), windowSizeMs,
                retainDuplicates, timestamped);
    }

    /**
     * A persistent session store supplier, for {@code Stores.sessionStoreBuilder(...)} and the DSL's session
     * aggregations. Same argument checks and time segments as Kafka's {@code Stores.persistentSessionStore}, one
     * engine store for all segments.
     *
     * @throws IllegalArgumentException if the retention period is negative or not representable in milliseconds
     */
    public static SessionBytesStoreSupplier sessionStore(String name, Duration retentionPeriod) {
        long retentionMs = sessionRetentionMs(name, retentionPeriod);
        return new SedimentSessionBytesStoreSupplier(name, retentionMs, defaultSegmentInterval(retentionMs));
    }

    /**
     * As {@link #sessionStore}, aggregates in Kafka's headers format (KIP-1271) as Kafka's
     * {@code Stores.persistentSessionStoreWithHeaders}: for {@code Stores.sessionStoreWithHeadersBuilder(...)},
     * {@code Materialized.as(...)} or the DSL under {@code dsl.store.format=headers}. A store written by
     * {@link #sessionStore} is upgraded at its first open with this supplier, every aggregate with empty headers.
     *
     * @throws IllegalArgumentException as {@link #sessionStore}
     */
    public static SessionBytesStoreSupplier sessionStoreWithHeaders(String name, Duration retentionPeriod) {
        long retentionMs = sessionRetentionMs(name, retentionPeriod);
        return new SedimentSessionBytesStoreSupplier.WithHeaders(name, retentionMs, defaultSegmentInterval(retentionMs),
                false);
    }

    private static long sessionRetentionMs(String name, Duration retentionPeriod) {
        Objects.requireNonNull(name, "name cannot be null");
        long retentionMs = KafkaInternals.validateMillis(retentionPeriod, "retentionPeriod");
        if (retentionMs < 0) {
            throw new IllegalArgumentException("retentionPeriod cannot be negative");
        }
        return retentionMs;
    }

    /** Kafka's default for its persistent segmented stores: about three live segments. */
    private static long defaultSegmentInterval(long retentionMs) {
        return Math.max(retentionMs / 2, 60_000L);
    }

    /**
     * A persistent key-value store supplier in Kafka's headers format (KIP-1271), as Kafka's
     * {@code Stores.persistentTimestampedKeyValueStoreWithHeaders}: values keep the record's headers and
     * timestamp, for {@code Stores.timestampedKeyValueStoreWithHeadersBuilder(...)}, {@code Materialized.as(...)}
     * or the DSL under {@code dsl.store.format=HEADERS}. A store written by {@link #timestampedKeyValueStore} (or
     * {@link #keyValueStore}) is upgraded at its first open with this supplier, every value with empty headers
     * (a plain one also with Kafka's "no timestamp", -1); opening a headers store with those suppliers is refused.
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
        long segmentIntervalMs = KafkaInternals.validateMillis(segmentInterval, "segmentInterval");
        if (segmentIntervalMs < 1L) {
            throw new IllegalArgumentException("segmentInterval cannot be zero or negative");
        }
        return new SedimentVersionedBytesStoreSupplier(name, historyRetentionMs, segmentIntervalMs);
    }

    private static long historyRetentionMs(Duration historyRetention) {
        long historyRetentionMs = KafkaInternals.validateMillis(historyRetention, "historyRetention");
        if (historyRetentionMs < 0L) {
            throw new IllegalArgumentException("historyRetention cannot be negative");
        }
        return historyRetentionMs;
    }
}
