package dev.sediment.streams.internal;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.HeadersBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionStore;

/**
 * Supplies {@link SedimentSessionStore}s, and in the headers format through {@link WithHeaders}; Kafka calls
 * {@link #get()} once per task.
 */
public class SedimentSessionBytesStoreSupplier extends SegmentedBytesStoreSupplier implements SessionBytesStoreSupplier {
    /**
     * Supplies {@link SedimentSessionStore.WithHeaders}: a {@link HeadersBytesStoreSupplier}, so Kafka's materializer
     * and {@code Stores.sessionStoreWithHeadersBuilder} put no adapter in between.
     */
    public static final class WithHeaders extends SedimentSessionBytesStoreSupplier implements HeadersBytesStoreSupplier {
        /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
        public WithHeaders(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
            super(name, retentionPeriod, segmentInterval, timeOrdered);
        }

        @Override
        public SessionStore<Bytes, byte[]> get() {
            return new SedimentSessionStore.WithHeaders(name(), retentionPeriod(), segmentIntervalMs(), timeOrdered());
        }
    }

    /** REQUIRES: arguments checked as Kafka's {@code Stores} checks them ({@link SedimentStores}). */
    public SedimentSessionBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval) {
        this(name, retentionPeriod, segmentInterval, false);
    }

    /** @param timeOrdered see {@link SedimentSessionStore#SedimentSessionStore} */
    public SedimentSessionBytesStoreSupplier(String name, long retentionPeriod, long segmentInterval, boolean timeOrdered) {
        super(name, retentionPeriod, segmentInterval, timeOrdered);
    }

    @Override
    public SessionStore<Bytes, byte[]> get() {
        return new SedimentSessionStore(name(), retentionPeriod(), segmentIntervalMs(), timeOrdered());
    }
}
