package dev.sediment.streams.internal;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.internals.ApiUtils;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.metrics.TaskMetrics;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Sensor.RecordingLevel;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.internals.StoreQueryUtils;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * Every Kafka Streams internal (non-public API) class this module uses, behind one file, so a Kafka
 * upgrade that moves or changes them touches only this one. Kafka's own stores use the same classes;
 * each method says why the public API is not enough.
 */
public final class KafkaInternals {
    private KafkaInternals() {
    }

    /**
     * A restore callback that receives whole changelog records: only the records carry the position
     * headers IQ consistency needs (the public callbacks see key-value pairs).
     */
    static StateRestoreCallback recordBatchRestore(Consumer<Collection<ConsumerRecord<byte[], byte[]>>> onBatch) {
        return new RecordBatchingStateRestoreCallback() {
            @Override
            public void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
                onBatch.accept(records);
            }
        };
    }

    /** Checks a restored record's headers and moves {@code position} past it, as Kafka's stores do. */
    static void applyChecksAndUpdatePosition(ConsumerRecord<byte[], byte[]> record, boolean consistencyEnabled,
                                             Position position) {
        ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition(record, consistencyEnabled, position);
    }

    /** The changelog topic of store {@code storeName}, or null; the public context does not name it. */
    static String changelogFor(StateStoreContext context, String storeName) {
        return ProcessorContextUtils.changelogFor(context, storeName, Boolean.FALSE);
    }

    /** Moves {@code position} past the record being processed (its topic, partition and offset). */
    static void updatePosition(Position position, StateStoreContext context) {
        StoreQueryUtils.updatePosition(position, context);
    }

    /** Kafka's own answers to KeyQuery and RangeQuery for a key-value store, position bound checked first. */
    static <R> QueryResult<R> handleBasicQueries(Query<R> query, PositionBound positionBound, QueryConfig config,
                                                 StateStore store, Position position, StateStoreContext context) {
        return StoreQueryUtils.handleBasicQueries(query, positionBound, config, store, position, context);
    }

    /** Kafka Streams' default client supplier, which the public API does not expose. */
    public static KafkaClientSupplier defaultClientSupplier() {
        return new DefaultKafkaClientSupplier();
    }

    /**
     * Store-level gauges: the public {@link StreamsMetrics} has sensors, not gauges. Null when the
     * metrics are not Kafka's implementation (some test contexts).
     */
    static StoreMetrics storeMetrics(StreamsMetrics metrics) {
        return metrics instanceof StreamsMetricsImpl impl ? new StoreMetrics(impl) : null;
    }

    /** Adds and removes store-level gauges. */
    static final class StoreMetrics {
        private final StreamsMetricsImpl metrics;

        private StoreMetrics(StreamsMetricsImpl metrics) {
            this.metrics = metrics;
        }

        MetricName addGauge(String taskId, String scope, String storeName, String name, String description,
                            Gauge<Double> gauge) {
            return metrics.addStoreLevelMutableMetric(taskId, scope, storeName, name, description, RecordingLevel.INFO,
                    gauge);
        }

        void remove(MetricName name) {
            metrics.removeStoreLevelMetric(name);
        }
    }

    /** A time window's bounds as Kafka's windowed keys carry them (the class is internal). */
    static Window timeWindow(long start, long end) {
        return new TimeWindow(start, end);
    }

    /** A session's bounds as Kafka's windowed keys carry them (the class is internal). */
    static Window sessionWindow(long start, long end) {
        return new SessionWindow(start, end);
    }

    /**
     * The task's dropped-records sensor, where Kafka's segmented stores count records refused for an expired
     * segment; null when the metrics are not Kafka's implementation or the task is unknown.
     */
    static Sensor droppedRecordsSensor(StateStoreContext context) {
        return context.metrics() instanceof StreamsMetricsImpl impl && context.taskId() != null
                ? TaskMetrics.droppedRecordsSensor(Thread.currentThread().getName(), context.taskId().toString(), impl)
                : null;
    }

    /** The context's wall-clock time (mocked in tests), for sensors; the public context has none. */
    static long currentSystemTimeMs(StateStoreContext context) {
        return context instanceof InternalProcessorContext<?, ?> internal ? internal.currentSystemTimeMs()
                : System.currentTimeMillis();
    }

    /** A duration in milliseconds, checked with Kafka's {@code Stores} wording for {@code name}. */
    public static long validateMillis(Duration duration, String name) {
        return ApiUtils.validateMillisecondDuration(duration, ApiUtils.prepareMillisCheckFailMsgPrefix(duration, name));
    }
}
