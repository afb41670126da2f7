package dev.sediment.streams.headers;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The store under Kafka's layers (metering, caching, change-logging), which must be ours with no adapter between. */
final class Innermost {
    private Innermost() {
    }

    static void assertIs(Class<?> type, Object store) {
        StateStore inner = (StateStore) store;
        String name = inner.name();
        while (inner instanceof WrappedStateStore<?, ?, ?> w) {
            inner = w.wrapped();
        }
        assertInstanceOf(type, inner, name + ": no adapter between Kafka's layers and ours");
    }
}
