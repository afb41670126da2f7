package dev.sediment.streams.internal;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * IQv2 on a {@link SedimentVersionedStore}, at the bytes layer Kafka's {@code MeteredVersionedKeyValueStore}
 * queries: {@link VersionedKeyQuery} (latest, or as of a time, with {@code validTo}) and
 * {@link MultiVersionedKeyQuery} (a time range, either order). The position bound is checked first, as in
 * Kafka's {@code StoreQueryUtils.handleBasicQueries}; other query types are unknown.
 */
final class VersionedQueries {
    private VersionedQueries() {
    }

    @SuppressWarnings("unchecked")
    static <R> QueryResult<R> run(SedimentVersionedStore store, Query<R> query, PositionBound bound,
                                  QueryConfig config, Position position, StateStoreContext context) {
        long start = config.isCollectExecutionInfo() ? System.nanoTime() : -1L;
        QueryResult<R> result;
        synchronized (position) {
            boolean known = query instanceof VersionedKeyQuery || query instanceof MultiVersionedKeyQuery;
            if (!known) {
                result = QueryResult.forUnknownQueryType(query, store);
            } else if (context == null || !KafkaInternals.isPermitted(position, bound, context.taskId().partition())) {
                result = QueryResult.notUpToBound(position, bound, context == null ? null : context.taskId().partition());
            } else {
                try {
                    result = (QueryResult<R>) (query instanceof VersionedKeyQuery<?, ?> q
                            ? versioned(store, (VersionedKeyQuery<Bytes, byte[]>) q)
                            : multi(store, (MultiVersionedKeyQuery<Bytes, byte[]>) query));
                } catch (RuntimeException e) {
                    result = QueryResult.forFailure(FailureReason.STORE_EXCEPTION,
                            "Failed to run " + query + " on store " + store.name() + ": " + e);
                }
            }
            if (config.isCollectExecutionInfo()) {
                result.addExecutionInfo("Handled in " + store.getClass() + " in " + (System.nanoTime() - start) + "ns");
            }
            result.setPosition(position.copy());
        }
        return result;
    }

    private static QueryResult<VersionedRecord<byte[]>> versioned(SedimentVersionedStore store,
                                                                 VersionedKeyQuery<Bytes, byte[]> q) {
        VersionedRecord<byte[]> r = q.asOfTimestamp().isPresent()
                ? store.getRecord(q.key(), q.asOfTimestamp().get().toEpochMilli())
                : store.getRecord(q.key());
        return QueryResult.forResult(r);
    }

    private static QueryResult<VersionedRecordIterator<byte[]>> multi(SedimentVersionedStore store,
                                                                     MultiVersionedKeyQuery<Bytes, byte[]> q) {
        long from = q.fromTime().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long to = q.toTime().map(java.time.Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        List<VersionedRecord<byte[]>> records = store.history(q.key(), from, to); // newest first
        if (q.resultOrder() == ResultOrder.ASCENDING) {
            Collections.reverse(records);
        }
        return QueryResult.forResult(new ListIterator(records.iterator()));
    }

    /** The records of a multi-version query, read at once (Kafka's iterator also reads ahead per segment). */
    private static final class ListIterator implements VersionedRecordIterator<byte[]> {
        private final Iterator<VersionedRecord<byte[]>> it;
        private boolean open = true;

        ListIterator(Iterator<VersionedRecord<byte[]>> it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            if (!open) {
                throw new IllegalStateException("The iterator is out of scope.");
            }
            return it.hasNext();
        }

        @Override
        public VersionedRecord<byte[]> next() {
            hasNext();
            return it.next();
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
