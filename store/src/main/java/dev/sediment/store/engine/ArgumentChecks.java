package dev.sediment.store.engine;

import dev.sediment.store.StoreOptions;
import dev.sediment.store.WriteBatch;

import java.util.Objects;

/** The checks every write makes on its arguments before it touches the engine: nulls and the size limits. */
final class ArgumentChecks {
    private final StoreOptions options;

    ArgumentChecks(StoreOptions options) {
        this.options = options;
    }

    void key(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        if (key.length > options.maxKeySizeBytes()) {
            throw new IllegalArgumentException("key of " + key.length + " bytes is over maxKeySizeBytes ("
                    + options.maxKeySizeBytes() + ")");
        }
    }

    void value(byte[] value) {
        Objects.requireNonNull(value, "value must not be null (use delete)");
        if (value.length > options.maxValueSizeBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " bytes is over maxValueSizeBytes ("
                    + options.maxValueSizeBytes() + ")");
        }
    }

    void batch(WriteBatch batch) {
        // The batch rejected nulls as they were added and knows its longest key and value: within the
        // limits, nothing to walk (a restore run's ops are scattered on the heap, each visit a cache miss).
        if (batch.largestKeyBytes() <= options.maxKeySizeBytes()
                && batch.largestValueBytes() <= options.maxValueSizeBytes()) {
            return;
        }
        for (WriteBatch.Op op : batch.ops()) {
            key(op.key());
            if (!op.isDelete()) {
                value(op.value());
            }
        }
    }
}
