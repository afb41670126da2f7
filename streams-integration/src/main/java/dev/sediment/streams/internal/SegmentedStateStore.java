package dev.sediment.streams.internal;

import dev.sediment.streams.eos.TransactionCommitListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;

import java.util.Map;

/**
 * What the window and session stores (and their timestamped and headers forms) share as Kafka Streams state
 * stores: lifecycle, KIP-1035 offsets, per-transaction commit points, IQv2 dispatch and position, all on one
 * {@link SegmentedStoreCore}. A subclass adds its key layout and its store interface's reads and writes.
 */
public abstract class SegmentedStateStore implements StateStore, TransactionCommitListener {
    final SegmentedStoreCore segmented;

    /** @param segmentedOf builds the store's segmented core with this store as the owner of its commit points */
    SegmentedStateStore(java.util.function.Function<TransactionCommitListener, SegmentedStoreCore> segmentedOf) {
        this.segmented = segmentedOf.apply(this);
    }

    /** A store over {@code segmented} as it is, for example a {@link SegmentedStoreCore#committedView()}. */
    SegmentedStateStore(SegmentedStoreCore segmented) {
        this.segmented = segmented;
    }

    @Override
    public String name() {
        return segmented.core.name();
    }

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        segmented.init(context, root);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return segmented.core.isOpen();
    }

    /** Closes open iterators (they then report no next entry), then the engine store. Idempotent. */
    @Override
    public synchronized void close() {
        segmented.close();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
    }

    // ---------------------------------------------------------------- offsets (KIP-1035)

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        segmented.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return segmented.core.committedOffset(partition);
    }

    @Override
    public void onTransactionCommitted(TopicPartition changelog, long lastOffset) {
        if (segmented.core.isOpen()) {
            commit(Map.of(changelog, lastOffset));
        }
    }

    /** Bytes written since the last commit, for KIP-892's {@code statestore.uncommitted.max.bytes}. */
    public long approximateNumUncommittedBytes() {
        return segmented.core.approximateNumUncommittedBytes();
    }

    // ---------------------------------------------------------------- IQv2

    /**
     * Kafka's window queries as its segmented stores answer them ({@code WindowKeyQuery}, {@code WindowRangeQuery}
     * in the forms the store type supports), with the position bound checked first; at READ_COMMITTED against
     * the last commit point's position (Kafka 4.4's handler then reads through the store's {@code readOnly}).
     */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return KafkaInternals.handleBasicQueries(query, positionBound, config, this,
                segmented.core.position(QueryIsolation.of(config)), segmented.core.context());
    }

    @Override
    public Position getPosition() {
        return segmented.core.position();
    }

    SegmentedStoreCore segmented() {
        return segmented;
    }
}
