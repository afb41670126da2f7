package dev.sediment.streams;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.common.serialization.Serde;

import java.io.File;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * kafka-streams-test-utils' {@link MockProcessorContext} state-store context (the public test context, not
 * Kafka's internal ones), keeping what a store registers so tests can drive its restore callback.
 */
public final class CapturingStateStoreContext implements StateStoreContext {
    private final MockProcessorContext<Object, Object> processorContext;
    private final StateStoreContext delegate;
    public StateStore registeredRoot;
    public StateRestoreCallback restoreCallback;

    public CapturingStateStoreContext(File stateDir, Properties extra) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.putAll(extra);
        processorContext = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir);
        delegate = processorContext.getStateStoreContext();
    }

    /** The input record being processed, which stores record in their IQ position. */
    public void setRecordMetadata(String topic, int partition, long offset) {
        processorContext.setRecordMetadata(topic, partition, offset);
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
    public void register(StateStore store, StateRestoreCallback callback) {
        registeredRoot = store;
        restoreCallback = callback;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback commitCallback) {
        register(store, callback);
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
