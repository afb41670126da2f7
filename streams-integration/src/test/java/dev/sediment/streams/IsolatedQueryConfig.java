package dev.sediment.streams;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.query.QueryConfig;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kafka Streams 4.4's {@code QueryConfig(boolean, IsolationLevel)}, reached by reflection so that the tests of
 * IQv2 isolation levels compile on 4.3 too and are skipped there.
 */
final class IsolatedQueryConfig {
    private IsolatedQueryConfig() {
    }

    /** A query config at {@code level}; skips the calling test on Kafka Streams 4.3, which has no isolation level. */
    static QueryConfig of(boolean collectExecutionInfo, IsolationLevel level) {
        try {
            return QueryConfig.class.getConstructor(boolean.class, IsolationLevel.class)
                    .newInstance(collectExecutionInfo, level);
        } catch (NoSuchMethodException e) {
            assumeTrue(false, "Kafka Streams 4.3 has no isolation level in QueryConfig");
            return null;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
