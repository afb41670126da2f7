package dev.sediment.streams.internal;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.query.QueryConfig;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The isolation level of an interactive query. Kafka Streams 4.4 carries it in {@link QueryConfig}
 * ({@code getIsolationLevel()}); 4.3 has no such method and every query reads uncommitted. Looked up once,
 * so the same build runs on both lines.
 */
final class QueryIsolation {
    private static final MethodHandle GETTER = find();

    private QueryIsolation() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findVirtual(QueryConfig.class, "getIsolationLevel",
                    MethodType.methodType(IsolationLevel.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // Kafka Streams 4.3
        }
    }

    static IsolationLevel of(QueryConfig config) {
        if (GETTER == null || config == null) {
            return IsolationLevel.READ_UNCOMMITTED;
        }
        try {
            IsolationLevel level = (IsolationLevel) GETTER.invoke(config);
            return level == null ? IsolationLevel.READ_UNCOMMITTED : level;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("QueryConfig.getIsolationLevel() failed", e);
        }
    }
}
