package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

import java.util.Objects;

/** Supplies {@link SedimentWindowStore}s, plain or timestamped; Kafka calls {@link #get()} once per task. */
public final class SedimentWindowBytesStoreSupplier implements WindowBytesStoreSupplier {
    private final String name;
    private final long retentionPeriod;
    private final long segmentInterval;
    private final long windowSize;
    private final boolean retainDuplicates;
    private final boolean timestamped;
    private final boolean timeOrdered;

    /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
    public SedimentWindowBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, long windowSize,
                                            boolean retainDuplicates, boolean timestamped) {
        this(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timestamped, false);
    }

    /** @param timeOrdered see {@link SedimentWindowStore#SedimentWindowStore} */
    public SedimentWindowBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, long windowSize,
                                            boolean retainDuplicates, boolean timestamped, boolean timeOrdered) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.retentionPeriod = retentionPeriod;
        this.segmentInterval = segmentInterval;
        this.windowSize = windowSize;
        this.retainDuplicates = retainDuplicates;
        this.timestamped = timestamped;
        this.timeOrdered = timeOrdered;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public WindowStore<Bytes, byte[]> get() {
        return timestamped
                ? new SedimentWindowStore.Timestamped(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates,
                        timeOrdered)
                : new SedimentWindowStore(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timeOrdered);
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
    public long windowSize() {
        return windowSize;
    }

    @Override
    public boolean retainDuplicates() {
        return retainDuplicates;
    }

    @Override
    public long retentionPeriod() {
        return retentionPeriod;
    }

    @Override
    public String toString() {
        return "SedimentWindowBytesStoreSupplier{name=" + name + ", retention=" + retentionPeriod + ", segmentInterval="
                + segmentInterval + ", windowSize=" + windowSize + ", retainDuplicates=" + retainDuplicates
                + ", timestamped=" + timestamped + ", timeOrdered=" + timeOrdered + "}";
    }
}
