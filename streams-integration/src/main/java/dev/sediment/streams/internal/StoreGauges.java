package dev.sediment.streams.internal;

import dev.sediment.store.Store;
import dev.sediment.store.StoreRuntime;
import dev.sediment.store.StoreStats;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.streams.StreamsMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A store's engine figures as gauges in Kafka Streams' {@code stream-state-metrics} group, under RocksDB's
 * names where they mean the same, so dashboards carry over. Registered only when the context's metrics are
 * Kafka's implementation (see {@link KafkaInternals#storeMetrics}: the public {@link StreamsMetrics} API has sensors, not gauges);
 * otherwise the store runs without them. Stats are sampled at most once a second: one scrape reads many gauges.
 */
final class StoreGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreGauges.class);
    private static final long SAMPLE_NANOS = 1_000_000_000L;

    private final KafkaInternals.StoreMetrics metrics;
    private final List<MetricName> names = new ArrayList<>();
    private final Store store;
    private String taskId;
    private String scope;
    private String storeName;
    private StoreStats sample;
    private long sampledAt;

    private StoreGauges(KafkaInternals.StoreMetrics metrics, Store store) {
        this.metrics = metrics;
        this.store = store;
    }

    /** Registers the gauges, or returns null if the metrics are not Kafka's implementation. */
    static StoreGauges register(StreamsMetrics streamsMetrics, String taskId, String scope, String storeName,
                                Store store, StoreRuntime runtime) {
        KafkaInternals.StoreMetrics metrics = KafkaInternals.storeMetrics(streamsMetrics);
        if (metrics == null) {
            log.debug("store {}: no engine gauges, metrics are {}", storeName, streamsMetrics);
            return null;
        }
        StoreGauges g = new StoreGauges(metrics, store);
        g.taskId = taskId;
        g.scope = scope;
        g.storeName = storeName;
        try {
            g.add(taskId, scope, storeName, "cur-size-all-mem-tables", "bytes in active and frozen memtables", s -> s.memtables().bytes());
            g.add(taskId, scope, storeName, "size-all-mem-tables", "bytes in active and frozen memtables", s -> s.memtables().bytes());
            g.add(taskId, scope, storeName, "num-immutable-mem-table", "frozen memtables waiting for flush", s -> s.memtables().frozen());
            g.add(taskId, scope, storeName, "estimate-num-keys", "estimated live keys (overwrites and deletes discounted, as RocksDB)", StoreStats::approximateEntries);
            g.add(taskId, scope, storeName, "total-sst-files-size", "bytes of all SSTables", s -> s.tables().liveBytes());
            g.add(taskId, scope, storeName, "live-sst-files-size", "bytes of live SSTables", s -> s.tables().liveBytes());
            g.add(taskId, scope, storeName, "estimate-pending-compaction-bytes", "bytes compaction must still rewrite", s -> s.compactions().pendingBytes());
            g.add(taskId, scope, storeName, "number-open-files", "SSTables open", s -> s.tables().open());
            g.add(taskId, scope, storeName, "memtable-bytes-flushed-total", "SSTable bytes written by flushes since open", s -> s.flushes().bytes());
            g.add(taskId, scope, storeName, "bytes-read-compaction-total", "bytes read by compactions since open", s -> s.compactions().bytesRead());
            g.add(taskId, scope, storeName, "bytes-written-compaction-total", "bytes written by compactions since open", s -> s.compactions().bytesWritten());
            g.add(taskId, scope, storeName, "memtable-flush-time-avg", "milliseconds per flush, on average since open",
                    s -> s.flushes().count() == 0 ? 0 : (double) s.flushes().millis() / s.flushes().count());
            g.add(taskId, scope, storeName, "memtable-flush-time-total", "milliseconds spent flushing since open",
                    s -> s.flushes().millis());
            g.add(taskId, scope, storeName, "compaction-time-avg", "milliseconds per compaction, on average since open",
                    s -> s.compactions().count() == 0 ? 0 : (double) s.compactions().millis() / s.compactions().count());
            g.add(taskId, scope, storeName, "compaction-time-total", "milliseconds spent compacting since open",
                    s -> s.compactions().millis());
            g.add(taskId, scope, storeName, "write-stall-duration-total", "milliseconds writers waited since open", s -> s.stalls().millis());
            g.add(taskId, scope, storeName, "block-cache-data-hit-ratio", "hit ratio of the shared block cache",
                    s -> s.cache().hits() + s.cache().misses() == 0 ? 0.0
                            : (double) s.cache().hits() / (s.cache().hits() + s.cache().misses()));
            g.add(taskId, scope, storeName, "block-cache-usage", "bytes held by the shared block cache", s -> s.cache().bytes());
            g.add(taskId, scope, storeName, "block-cache-pinned-usage",
                    "bytes of open tables' index and filter blocks, pinned in the shared block cache", s -> s.cache().pinnedBytes());
            if (runtime != null) {
                g.addRaw(taskId, scope, storeName, "block-cache-capacity", "capacity of the shared block cache",
                        () -> (double) runtime.blockCache().capacityBytes());
                g.addRaw(taskId, scope, storeName, "sediment-runtime-memtable-bytes", "memtable bytes of all stores of the JVM",
                        () -> (double) runtime.writeBufferBudget().usedBytes());
            }
        } catch (RuntimeException e) {
            log.warn("store {}: engine gauges not registered: {}", storeName, e.toString());
            g.close();
            return null;
        }
        return g;
    }

    private void add(String taskId, String scope, String storeName, String name, String description,
                     ToDoubleFunction<StoreStats> f) {
        addRaw(taskId, scope, storeName, name, description, () -> f.applyAsDouble(stats()));
    }

    private void addRaw(String taskId, String scope, String storeName, String name, String description,
                        java.util.function.DoubleSupplier f) {
        Gauge<Double> gauge = (config, now) -> f.getAsDouble();
        names.add(metrics.addGauge(taskId, scope, storeName, name, description, gauge));
    }

    /** One more gauge of this store (a store type's own figures), removed with the others. */
    void add(String name, String description, java.util.function.DoubleSupplier f) {
        addRaw(taskId, scope, storeName, name, description, f);
    }

    private synchronized StoreStats stats() {
        long now = System.nanoTime();
        if (sample == null || now - sampledAt > SAMPLE_NANOS) {
            sample = store.stats();
            sampledAt = now;
        }
        return sample;
    }

    @Override
    public void close() {
        for (MetricName n : names) {
            metrics.remove(n);
        }
        names.clear();
    }
}
