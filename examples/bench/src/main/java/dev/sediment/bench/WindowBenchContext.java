package dev.sediment.bench;

import java.io.File;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;

/**
 * The context window stores are initialized with outside Kafka Streams. Kafka's segmented RocksDB and in-memory
 * window stores insist on Kafka Streams' internal context type (for their metrics), which the public
 * {@code MockProcessorContext} is not, so this is that interface answering only what a store's {@code init},
 * writes and reads ask: task, configs, state directory, metrics, and {@code register}, whose restore callback
 * it keeps for the restore workload. Anything else fails loudly, naming the method.
 */
final class WindowBenchContext implements InvocationHandler {
    private final File stateDir;
    private final Map<String, Object> configs = new HashMap<>();
    private final StreamsMetricsImpl metrics = new StreamsMetricsImpl(new Metrics(), "bench", Time.SYSTEM);
    private StateRestoreCallback restoreCallback;

    private WindowBenchContext(File stateDir, Properties extra) {
        this.stateDir = stateDir;
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.putAll(extra);
        StreamsConfig config = new StreamsConfig(props);
        configs.putAll(config.originals()); // sediment.* settings too
        configs.putAll(config.values()); // every Streams setting with its default, as Kafka Streams passes them
    }

    /** A new context; {@link #restoreCallback(StateStoreContext)} gives the callback its store registers. */
    static StateStoreContext create(File stateDir, Properties extra) {
        return (StateStoreContext) Proxy.newProxyInstance(WindowBenchContext.class.getClassLoader(),
                new Class<?>[] {InternalProcessorContext.class}, new WindowBenchContext(stateDir, extra));
    }

    static StateRestoreCallback restoreCallback(StateStoreContext context) {
        StateRestoreCallback callback = ((WindowBenchContext) Proxy.getInvocationHandler(context)).restoreCallback;
        if (callback == null) {
            throw new IllegalStateException("the store registered no restore callback");
        }
        return callback;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "taskId" -> new TaskId(0, 0);
            case "applicationId" -> "bench";
            case "appConfigs" -> configs;
            case "appConfigsWithPrefix" -> {
                Map<String, Object> prefixed = new HashMap<>();
                configs.forEach((k, v) -> {
                    if (k.startsWith((String) args[0])) {
                        prefixed.put(k.substring(((String) args[0]).length()), v);
                    }
                });
                yield prefixed;
            }
            case "stateDir" -> stateDir;
            case "metrics" -> metrics;
            case "register" -> {
                restoreCallback = (StateRestoreCallback) args[1];
                yield null;
            }
            case "recordMetadata" -> Optional.empty();
            case "currentSystemTimeMs" -> System.currentTimeMillis();
            case "keySerde", "valueSerde", "recordContext" -> null;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "WindowBenchContext(" + stateDir + ")";
            default -> throw new UnsupportedOperationException("the bench's store context does not answer "
                    + method.getName());
        };
    }
}
