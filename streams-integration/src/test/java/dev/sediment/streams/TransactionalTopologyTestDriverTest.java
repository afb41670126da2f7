package dev.sediment.streams;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kafka Streams 4.4 with {@code enable.transactional.statestores} under exactly-once, in TopologyTestDriver:
 * {@code readOnly(READ_COMMITTED)} on the store as the driver hands it out (metering, caching and change-logging
 * around a Sediment store) reaches Sediment's committed view, so during a record's processing it shows what
 * the last commit held, and after the driver commits it shows the record's write. Skipped on 4.3, which has
 * no {@code readOnly}.
 */
class TransactionalTopologyTestDriverTest {
    @TempDir
    Path tmp;

    /** 4.4's {@code ReadOnlyKeyValueStore.readOnly(IsolationLevel)}, called reflectively so this compiles on 4.3. */
    @SuppressWarnings("unchecked")
    private static ReadOnlyKeyValueStore<String, String> readCommitted(ReadOnlyKeyValueStore<String, String> store) {
        Method readOnly;
        try {
            readOnly = ReadOnlyKeyValueStore.class.getMethod("readOnly", IsolationLevel.class);
        } catch (NoSuchMethodException e) {
            assumeTrue(false, "Kafka Streams 4.3 has no isolation levels");
            return null;
        }
        try {
            return (ReadOnlyKeyValueStore<String, String>) readOnly.invoke(store, IsolationLevel.READ_COMMITTED);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Emits "committed before the put | committed after it | uncommitted after it" for each record. The
     * committed reads go through the store as the driver hands it out (as interactive queries see it):
     * inside a processor Kafka's read-write decorator answers {@code readOnly} with itself, since a processor
     * always reads its own writes.
     */
    private static final class Observer implements Processor<String, String, String, String> {
        private final AtomicReference<KeyValueStore<String, String>> outer;
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        Observer(AtomicReference<KeyValueStore<String, String>> outer) {
            this.outer = outer;
        }

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore("kv");
        }

        @Override
        public void process(Record<String, String> record) {
            String before = readCommitted(outer.get()).get(record.key());
            store.put(record.key(), record.value());
            String after = readCommitted(outer.get()).get(record.key());
            context.forward(record.withValue(before + "|" + after + "|" + store.get(record.key())));
        }
    }

    @Test
    void readCommittedThroughKafkasStoreLayersSeesTheLastCommitOnly() {
        try {
            ReadOnlyKeyValueStore.class.getMethod("readOnly", IsolationLevel.class);
        } catch (NoSuchMethodException e) {
            assumeTrue(false, "Kafka Streams 4.3 has no isolation levels");
        }
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "input");
        AtomicReference<KeyValueStore<String, String>> outer = new AtomicReference<>();
        topology.addProcessor("observe", () -> new Observer(outer), "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(SedimentStores.keyValueStore("kv"), Serdes.String(), Serdes.String())
                .withCachingEnabled().withLoggingEnabled(Map.of()), "observe");
        topology.addSink("out", "output", new StringSerializer(), new StringSerializer(), "observe");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd-txn");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put("enable.transactional.statestores", "true");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
            outer.set(driver.getKeyValueStore("kv"));
            var in = driver.createInputTopic("input", new StringSerializer(), new StringSerializer());
            var out = driver.createOutputTopic("output", new StringDeserializer(), new StringDeserializer());
            in.pipeInput("a", "1");
            in.pipeInput("a", "2");
            in.pipeInput("b", "3");
            assertEquals(List.of("null|null|1", "1|1|2", "null|null|3"), out.readValuesToList());
            KeyValueStore<String, String> kv = driver.getKeyValueStore("kv");
            assertEquals("2", readCommitted(kv).get("a"), "the driver committed after each record");
        }
    }
}
