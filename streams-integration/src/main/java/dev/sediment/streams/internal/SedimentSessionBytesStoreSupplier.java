package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionStore;

import java.util.Objects;

/** Supplies {@link SedimentSessionStore}s; Kafka calls {@link #get()} once per task. */
public final class SedimentSessionBytesStoreSupplier implements SessionBytesStoreSupplier {
    private final String name;
    private final long retentionPeriod;
    private final long segmentInterval;
    private final boolean timeOrdered;

    /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
    public SedimentSessionBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval) {
        this(name, retentionPeriod, segmentInterval, false);
    }

    /** @param timeOrdered see {@link SedimentSessionStore#SedimentSessionStore} */
    public SedimentSessionBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
        this.timeOrdered = timeOrdered;
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.retentionPeriod = retentionPeriod;
        this.segmentInterval = segmentInterval;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SessionStore<Bytes, byte[]> get() {
        return new SedimentSessionStore(name, retentionPeriod, segmentInterval, timeOrdered);
    }

    @Override
    public String metricsScope() {
        return SedimentStores.METRICS_SCOPE;
    }

    @Override
    public long segmentIntervalMs() {
        return segmentInterval;
    }

    @Override
    public long retentionPeriod() {
        return retentionPeriod;
    }
}
