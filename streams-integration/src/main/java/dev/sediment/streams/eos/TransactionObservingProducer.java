package dev.sediment.streams.eos;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.metrics.KafkaMetric;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * A transactional producer that remembers, per changelog partition of a Sediment store, the last
 * offset sent in the open transaction, and once {@link #commitTransaction()} succeeds, tells the
 * partition's store ({@link ChangelogOwners}) so it records a commit point at that offset.
 *
 * <p>Why this is exact: Kafka Streams flushes caches (so every store write of the transaction is done
 * and its changelog record sent) before it commits the transaction, on the stream thread that also
 * writes the stores; {@code commitTransaction()} returns only after every send completed. So when it
 * returns, each touched store's current revision is the state its changelog holds up to the last
 * offset sent. An aborted or fenced transaction records nothing: the store rolls back to its previous
 * commit point if it crashes, and Kafka Streams replays from there with read_committed.
 *
 * <p>Cost: one map lookup per send to a topic no store observes; one map update per changelog send.
 * Not thread-safe beyond what Kafka Streams needs: one stream thread uses a producer; send callbacks
 * run on the producer's I/O thread.
 */
final class TransactionObservingProducer implements Producer<byte[], byte[]> {
    private final Producer<byte[], byte[]> delegate;
    /** Last offset acknowledged per changelog partition in the open transaction (written by callbacks). */
    private final Map<TopicPartition, Long> pending = new ConcurrentHashMap<>();

    TransactionObservingProducer(Producer<byte[], byte[]> delegate) {
        this.delegate = delegate;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (!ChangelogOwners.observes(record.topic())) {
            return delegate.send(record, callback);
        }
        return delegate.send(record, (metadata, exception) -> {
            if (exception == null && metadata != null && metadata.hasOffset()) {
                pending.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::max);
            }
            if (callback != null) {
                callback.onCompletion(metadata, exception);
            }
        });
    }

    @Override
    public void initTransactions() {
        delegate.initTransactions();
    }

    @Override
    public void beginTransaction() throws ProducerFencedException {
        pending.clear();
        delegate.beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) throws ProducerFencedException {
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() throws ProducerFencedException {
        delegate.commitTransaction(); // throws if fenced or failed: then nothing is recorded
        Map<TopicPartition, Long> committed = new HashMap<>(pending);
        pending.clear();
        committed.forEach(ChangelogOwners::committed);
    }

    @Override
    public void abortTransaction() throws ProducerFencedException {
        pending.clear();
        delegate.abortTransaction();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        delegate.close(timeout);
    }
}
