package dev.sediment.streams.eos;

import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A store whose changelog is its source topic (a source KTable with {@code topology.optimization=all}):
 * Kafka Streams sends nothing to a changelog there, so the client supplier never reports a transaction
 * for it. The store still claims the source partition, and it gets its commit points from Kafka
 * Streams' own {@code commit()} calls with source-topic offsets — after a crash it rolls back to the
 * last of those and Kafka Streams re-reads the source topic from there.
 */
class SourceTableChangelogTest {
    @TempDir
    Path tmp;

    @Test
    void theSourceTopicIsTheChangelogAndCommitsComeFromKafkaStreams() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("customers", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String>as(SedimentStores.timestampedKeyValueStore("customers-store"))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "source-table");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.toString());
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(p), p)) {
            TestInputTopic<String, String> in = driver.createInputTopic("customers", new StringSerializer(), new StringSerializer());
            in.pipeInput("c1", "Ada");
            in.pipeInput("c2", "Grace");
            in.pipeInput("c1", "Ada L.");
            StateStore store = driver.getTimestampedKeyValueStore("customers-store");
            TopicPartition source = new TopicPartition("customers", 0);
            TopicPartition usual = new TopicPartition("source-table-customers-store-changelog", 0);
            assertNotNull(ChangelogOwners.owner(source), "the store claims its changelog: the source partition");
            assertNull(ChangelogOwners.owner(usual), "no separate changelog topic exists");
            assertEquals(2L, innermost(store).committedOffset(source), "Kafka Streams' commit() gives source offsets");
        }
        assertNull(ChangelogOwners.owner(new TopicPartition("customers", 0)), "released on close");
    }

    private static StateStore innermost(StateStore s) {
        while (s instanceof WrappedStateStore<?, ?, ?> w) {
            s = w.wrapped();
        }
        return s;
    }
}
