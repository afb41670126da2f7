package dev.sediment.streams.eos;

import org.apache.kafka.common.TopicPartition;

/**
 * A store told that a Kafka transaction holding its changelog records committed. Called on the
 * stream thread that owns the store, right after {@code commitTransaction()} returned and before it
 * processes another record — so the store's current revision is exactly the state the changelog holds
 * up to {@code lastOffset}, and it records a commit point there.
 */
public interface TransactionCommitListener {
    void onTransactionCommitted(TopicPartition changelog, long lastOffset);
}
