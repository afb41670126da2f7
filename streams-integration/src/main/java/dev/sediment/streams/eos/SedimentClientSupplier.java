package dev.sediment.streams.eos;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaClientSupplier;
import dev.sediment.streams.internal.KafkaInternals;

import java.util.Map;
import java.util.Objects;

/**
 * Gives Sediment stores a commit point at every Kafka transaction commit under {@code exactly_once_v2}:
 * <pre>{@code
 * KafkaStreams streams = new KafkaStreams(topology, props, new SedimentClientSupplier());
 * }</pre>
 * Kafka Streams 4.3.1 calls a store's {@code commit()} under exactly-once only on suspend, revocation
 * and close, so after a crash a store would roll back to its last such commit and replay everything
 * since. With this supplier the producer of each stream thread reports every committed transaction to
 * the stores whose changelog records it carried (see {@link TransactionObservingProducer}), so a crash
 * replays only the last transaction or so — bounded further by
 * {@code RevisionOptions.maxReplayAge} (flushes, not commits, make commit points recoverable).
 *
 * <p>Without it the stores stay exact: they roll back to the last commit Kafka Streams gave them, and
 * the replay is longer. Under at-least-once it changes nothing (Kafka Streams commits every interval).
 * Needed on Kafka Streams 4.3, and on 4.4 without {@code enable.transactional.statestores}; with that
 * flag on (KIP-892) Kafka Streams commits the stores after every transaction itself, and this supplier
 * adds nothing (it stays harmless).
 *
 * <p>Stores whose changelog is the source topic (the source-table optimization) receive no changelog
 * sends, so they get commit points only from Kafka Streams' own {@code commit()} calls.
 */
public final class SedimentClientSupplier implements KafkaClientSupplier {
    private final KafkaClientSupplier delegate;

    /** Wraps Kafka's default client supplier. */
    public SedimentClientSupplier() {
        this(KafkaInternals.defaultClientSupplier());
    }

    /** Wraps another supplier (for example one that adds interceptors). */
    public SedimentClientSupplier(KafkaClientSupplier delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return delegate.getAdmin(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Producer<byte[], byte[]> producer = delegate.getProducer(config);
        // Only transactional producers (exactly-once) need it; at-least-once commits every interval.
        return config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) == null ? producer
                : new TransactionObservingProducer(producer);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return delegate.getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return delegate.getRestoreConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return delegate.getGlobalConsumer(config);
    }
}
