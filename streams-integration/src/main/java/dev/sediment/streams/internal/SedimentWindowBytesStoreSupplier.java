package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Supplies {@link SedimentWindowStore}s, plain or timestamped, and in the headers format through {@link WithHeaders};
 * Kafka calls {@link #get()} once per task.
 */
public class SedimentWindowBytesStoreSupplier extends SegmentedBytesStoreSupplier implements WindowBytesStoreSupplier {
    private final long windowSize;
    private final boolean retainDuplicates;
    private final boolean timestamped;

    /**
     * Supplies {@link SedimentWindowStore.WithHeaders}: a {@link HeadersBytesStoreSupplier}, so Kafka's materializer
     * and {@code Stores.timestampedWindowStoreWithHeadersBuilder} put no adapter in between.
     */
    public static final class WithHeaders extends SedimentWindowBytesStoreSupplier implements HeadersBytesStoreSupplier {
        /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
        public WithHeaders(String name, long retentionPeriod, long segmentInterval, long windowSize,
                           boolean retainDuplicates, boolean timeOrdered) {
            super(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, true, timeOrdered);
        }

        @Override
        public WindowStore<Bytes, byte[]> get() {
            return new SedimentWindowStore.WithHeaders(name(), retentionPeriod(), segmentIntervalMs(), windowSize(),
                    retainDuplicates(), timeOrdered());
        }
    }

    /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
    public SedimentWindowBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, long windowSize,
                                            boolean retainDuplicates, boolean timestamped) {
        this(name, retentionPeriod, segmentInterval, windowSize, retainDuplicates, timestamped, false);
    }

    /** @param timeOrdered see {@link SedimentWindowStore#SedimentWindowStore} */
    public SedimentWindowBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, long windowSize,
                                            boolean retainDuplicates, boolean timestamped, boolean timeOrdered) {
        super(name, retentionPeriod, segmentInterval, timeOrdered);
        this.windowSize = windowSize;
        this.retainDuplicates = retainDuplicates;
        this.timestamped = timestamped;
    }

    @Override
    public WindowStore<Bytes, byte[]> get() {
        return timestamped
                ? new SedimentWindowStore.Timestamped(name(), retentionPeriod(), segmentIntervalMs(), windowSize,
                        retainDuplicates, timeOrdered())
                : new SedimentWindowStore(name(), retentionPeriod(), segmentIntervalMs(), windowSize, retainDuplicates,
                        timeOrdered());
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
    public String toString() {
        return getClass().getSimpleName() + "{name=" + name() + ", retention=" + retentionPeriod() + ", segmentInterval="
                + segmentIntervalMs() + ", windowSize=" + windowSize + ", retainDuplicates=" + retainDuplicates
                + ", timestamped=" + timestamped + ", timeOrdered=" + timeOrdered() + "}";
    }
}
