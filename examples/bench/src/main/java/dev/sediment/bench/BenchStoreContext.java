package dev.sediment.bench;

import java.io.File;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The context a store is initialized with outside Kafka Streams: kafka-streams-test-utils' public
 * {@link MockProcessorContext}, keeping the restore callback the store registers so the benchmark can
 * feed it changelog batches, as Kafka Streams' restore does. Works for Sediment's, RocksDB's and the
 * in-memory store.
 */
final class BenchStoreContext implements StateStoreContext {
    private final StateStoreContext delegate;
    private StateRestoreCallback restoreCallback;

    BenchStoreContext(File stateDir, Properties extra) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.putAll(extra);
        delegate = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir).getStateStoreContext();
    }

    /** The callback the store registered in {@code init}. */
    StateRestoreCallback restoreCallback() {
        if (restoreCallback == null) {
            throw new IllegalStateException("the store registered no restore callback");
        }
        return restoreCallback;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback) {
        restoreCallback = callback;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback commitCallback) {
        register(store, callback);
    }

    @Override
    public String applicationId() {
        return delegate.applicationId();
    }

    @Override
    public TaskId taskId() {
        return delegate.taskId();
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return delegate.recordMetadata();
    }

    @Override
    public Serde<?> keySerde() {
        return delegate.keySerde();
    }

    @Override
    public Serde<?> valueSerde() {
        return delegate.valueSerde();
    }

    @Override
    public File stateDir() {
        return delegate.stateDir();
    }

    @Override
    public StreamsMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public Map<String, Object> appConfigs() {
        return delegate.appConfigs();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        return delegate.appConfigsWithPrefix(prefix);
    }
}
