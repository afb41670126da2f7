package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;

import java.util.Objects;

/**
 * What the window and session store suppliers share: the store name, the retention period and the time segments
 * (arguments checked as Kafka's {@code Stores} checks them, in {@link SedimentStores}), and Sediment's metrics
 * scope; whether the stores also keep a time-ordered index ({@link SegmentedStoreCore}).
 */
public abstract class SegmentedBytesStoreSupplier {
    private final String name;
    private final long retentionPeriod;
    private final long segmentInterval;
    private final boolean timeOrdered;

    SegmentedBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.retentionPeriod = retentionPeriod;
        this.segmentInterval = segmentInterval;
        this.timeOrdered = timeOrdered;
    }

    public String name() {
        return name;
    }

    public String metricsScope() {
        return SedimentStores.METRICS_SCOPE;
    }

    public long segmentIntervalMs() {
        return segmentInterval;
    }

    public long retentionPeriod() {
        return retentionPeriod;
    }

    boolean timeOrdered() {
        return timeOrdered;
    }
}
