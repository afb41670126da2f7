package dev.sediment.streams.eos;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The producer's bookkeeping against Kafka's MockProducer (the end-to-end proof on a real broker is in
 * examples/): commits report the last changelog offset per partition to its owner; aborted and fenced
 * transactions report nothing; ownership moves with the task.
 */
class TransactionObservingProducerTest {
    private static final TopicPartition CHANGELOG_0 = new TopicPartition("app-counts-changelog", 0);
    private static final TopicPartition CHANGELOG_1 = new TopicPartition("app-counts-changelog", 1);
    private static final TopicPartition OTHER_STORE = new TopicPartition("app-totals-changelog", 0);

    /** A store stand-in that records what it is told. */
    private static final class Recorder implements TransactionCommitListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onTransactionCommitted(TopicPartition changelog, long lastOffset) {
            events.add(changelog + "@" + lastOffset);
        }
    }

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void releaseClaims() {
        cleanup.forEach(Runnable::run);
    }

    private void claim(TopicPartition tp, Recorder r) {
        ChangelogOwners.claim(tp, r);
        cleanup.add(() -> ChangelogOwners.release(tp, r));
    }

    /** A cluster knowing the partitions, so the mock keeps each record's partition and numbers offsets per partition. */
    private static org.apache.kafka.common.Cluster cluster() {
        org.apache.kafka.common.Node node = new org.apache.kafka.common.Node(0, "localhost", 9092);
        org.apache.kafka.common.Node[] nodes = {node};
        List<org.apache.kafka.common.PartitionInfo> parts = new ArrayList<>();
        for (TopicPartition tp : List.of(CHANGELOG_0, CHANGELOG_1, OTHER_STORE, new TopicPartition("output", 0))) {
            parts.add(new org.apache.kafka.common.PartitionInfo(tp.topic(), tp.partition(), node, nodes, nodes));
        }
        return new org.apache.kafka.common.Cluster("test", List.of(node), parts, java.util.Set.of(), java.util.Set.of());
    }

    private static MockProducer<byte[], byte[]> mock() {
        return new MockProducer<>(cluster(), true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(TransactionObservingProducer p, TopicPartition tp) {
        p.send(new ProducerRecord<>(tp.topic(), tp.partition(), new byte[] {1}, new byte[] {2}));
    }

    @Test
    void aCommittedTransactionReportsTheLastOffsetPerChangelogPartition() {
        Recorder store0 = new Recorder();
        Recorder store1 = new Recorder();
        Recorder totals = new Recorder();
        claim(CHANGELOG_0, store0);
        claim(CHANGELOG_1, store1);
        claim(OTHER_STORE, totals);
        MockProducer<byte[], byte[]> mock = mock();
        TransactionObservingProducer p = new TransactionObservingProducer(mock);
        p.initTransactions();
        p.beginTransaction();
        send(p, CHANGELOG_0); // offset 0
        send(p, CHANGELOG_0); // offset 1
        send(p, OTHER_STORE); // offset 0
        p.send(new ProducerRecord<>("output", 0, new byte[] {1}, new byte[] {2})); // not a changelog
        assertTrue(store0.events.isEmpty(), "nothing before the commit");
        p.commitTransaction();
        assertEquals(List.of(CHANGELOG_0 + "@1"), store0.events);
        assertEquals(List.of(), store1.events, "a store without writes in the transaction is not told");
        assertEquals(List.of(OTHER_STORE + "@0"), totals.events);

        p.beginTransaction();
        send(p, CHANGELOG_1);
        p.commitTransaction();
        assertEquals(List.of(CHANGELOG_0 + "@1"), store0.events, "not told again");
        assertEquals(List.of(CHANGELOG_1 + "@0"), store1.events);
    }

    @Test
    void anAbortedTransactionReportsNothingAndIsForgotten() {
        Recorder store0 = new Recorder();
        claim(CHANGELOG_0, store0);
        TransactionObservingProducer p = new TransactionObservingProducer(mock());
        p.initTransactions();
        p.beginTransaction();
        send(p, CHANGELOG_0);
        send(p, CHANGELOG_0);
        p.abortTransaction();
        assertEquals(List.of(), store0.events);
        p.beginTransaction();
        p.commitTransaction(); // an empty transaction after the abort
        assertEquals(List.of(), store0.events, "the aborted sends must not leak into the next commit");
        p.beginTransaction();
        send(p, CHANGELOG_0); // offset 2: the aborted records took 0 and 1
        p.commitTransaction();
        assertEquals(List.of(CHANGELOG_0 + "@2"), store0.events);
    }

    @Test
    void aFencedProducerRecordsNoCommitPoint() {
        Recorder store0 = new Recorder();
        claim(CHANGELOG_0, store0);
        MockProducer<byte[], byte[]> mock = mock();
        TransactionObservingProducer p = new TransactionObservingProducer(mock);
        p.initTransactions();
        p.beginTransaction();
        send(p, CHANGELOG_0);
        mock.fenceProducer();
        assertThrows(ProducerFencedException.class, p::commitTransaction);
        assertEquals(List.of(), store0.events, "a zombie's transaction must not become a commit point");
    }

    @Test
    void aFailedSendIsNotReported() {
        Recorder store0 = new Recorder();
        claim(CHANGELOG_0, store0);
        MockProducer<byte[], byte[]> mock = new MockProducer<>(cluster(), false, null, new ByteArraySerializer(), new ByteArraySerializer());
        TransactionObservingProducer p = new TransactionObservingProducer(mock);
        p.initTransactions();
        p.beginTransaction();
        send(p, CHANGELOG_0);
        mock.completeNext();
        send(p, CHANGELOG_0);
        mock.errorNext(new RuntimeException("broker said no"));
        p.commitTransaction();
        assertEquals(List.of(CHANGELOG_0 + "@0"), store0.events);
    }

    @Test
    void theTasksNewStoreReceivesCommitsAfterMigration() {
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        claim(CHANGELOG_0, before);
        TransactionObservingProducer threadA = new TransactionObservingProducer(mock());
        threadA.initTransactions();
        threadA.beginTransaction();
        send(threadA, CHANGELOG_0);
        threadA.commitTransaction(); // Kafka Streams commits before it hands the task over
        ChangelogOwners.release(CHANGELOG_0, before);
        claim(CHANGELOG_0, after); // the new store's first processing write
        ChangelogOwners.release(CHANGELOG_0, before); // a late close of the old store changes nothing
        assertEquals(after, ChangelogOwners.owner(CHANGELOG_0));
        TransactionObservingProducer threadB = new TransactionObservingProducer(mock());
        threadB.initTransactions();
        threadB.beginTransaction();
        send(threadB, CHANGELOG_0);
        threadB.commitTransaction();
        assertEquals(List.of(CHANGELOG_0 + "@0"), before.events);
        assertEquals(List.of(CHANGELOG_0 + "@0"), after.events);
    }

    @Test
    void theSupplierWrapsOnlyTransactionalProducers() {
        SedimentClientSupplier supplier = new SedimentClientSupplier(new org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier());
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:1");
        config.put("key.serializer", ByteArraySerializer.class);
        config.put("value.serializer", ByteArraySerializer.class);
        try (var plain = supplier.getProducer(config)) {
            assertTrue(!(plain instanceof TransactionObservingProducer));
        }
        config.put("transactional.id", "app-1");
        try (var txn = supplier.getProducer(config)) {
            assertTrue(txn instanceof TransactionObservingProducer);
        }
    }
}
