package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;

import java.util.Objects;

/** Supplies {@link SedimentVersionedStore}s; Kafka calls {@link #get()} once per task. */
public final class SedimentVersionedBytesStoreSupplier implements VersionedBytesStoreSupplier {
    private final String name;
    private final long historyRetentionMs;
    private final long segmentIntervalMs;

    /** REQUIRES: arguments checked by {@link SedimentStores}. */
    public SedimentVersionedBytesStoreSupplier(String name, long historyRetentionMs, long segmentIntervalMs) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.historyRetentionMs = historyRetentionMs;
        this.segmentIntervalMs = segmentIntervalMs;
    }

    /**
     * Kafka's default segment interval for a history retention ({@code RocksDbVersionedKeyValueBytesStoreSupplier}):
     * here it only decides how long an expired version is still listed by a multi-version query, as in Kafka.
     */
    public static long defaultSegmentInterval(long historyRetentionMs) {
        if (historyRetentionMs <= 60_000L) {
            return Math.max(historyRetentionMs / 3, 2_000L);
        } else if (historyRetentionMs <= 300_000L) {
            return Math.max(historyRetentionMs / 5, 20_000L);
        } else if (historyRetentionMs <= 3_600_000L) {
            return Math.max(historyRetentionMs / 12, 60_000L);
        }
        return Math.max(historyRetentionMs / 24, 300_000L);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long historyRetentionMs() {
        return historyRetentionMs;
    }

    public long segmentIntervalMs() {
        return segmentIntervalMs;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        return new SedimentVersionedStore(name, historyRetentionMs, segmentIntervalMs);
    }

    @Override
    public String metricsScope() {
        return SedimentStores.METRICS_SCOPE;
    }
}
