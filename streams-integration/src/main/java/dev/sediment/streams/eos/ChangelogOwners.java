package dev.sediment.streams.eos;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which store instance owns each changelog partition in this JVM, for {@link TransactionObservingProducer}.
 *
 * <p>A store claims its changelog partition when it takes a write from processing (not from restore),
 * so a standby replica of the same partition never claims it, and a task that moved to another thread
 * or instance is claimed by its new store on its first write. Kafka Streams commits the old owner's
 * transaction before it hands a task over, so a commit event never reaches the wrong store.
 *
 * <p>Thread-safe. Claims are cheap when already held (one map read).
 */
public final class ChangelogOwners {
    private static final Map<TopicPartition, TransactionCommitListener> OWNERS = new ConcurrentHashMap<>();
    /** Topics with at least one claimed partition: lets the producer skip other topics with one lookup. */
    private static final Map<String, Integer> TOPICS = new ConcurrentHashMap<>();

    private ChangelogOwners() {
    }

    /** Makes {@code store} the owner of {@code changelog}. */
    public static void claim(TopicPartition changelog, TransactionCommitListener store) {
        if (OWNERS.get(changelog) == store) {
            return;
        }
        TransactionCommitListener previous = OWNERS.put(changelog, store);
        if (previous == null) {
            TOPICS.merge(changelog.topic(), 1, Integer::sum);
        }
    }

    /** Drops the claim if {@code store} still holds it (a store closing). */
    public static void release(TopicPartition changelog, TransactionCommitListener store) {
        if (OWNERS.remove(changelog, store)) {
            TOPICS.computeIfPresent(changelog.topic(), (t, n) -> n == 1 ? null : n - 1);
        }
    }

    static boolean observes(String topic) {
        return TOPICS.containsKey(topic);
    }

    /** Tells the owner of {@code changelog}, if any, that a transaction up to {@code lastOffset} committed. */
    static void committed(TopicPartition changelog, long lastOffset) {
        TransactionCommitListener owner = OWNERS.get(changelog);
        if (owner != null) {
            owner.onTransactionCommitted(changelog, lastOffset);
        }
    }

    /** Tests: the current owner, or null. */
    static TransactionCommitListener owner(TopicPartition changelog) {
        return OWNERS.get(changelog);
    }
}
