package dev.sediment.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes applied atomically by {@link Store#write(WriteBatch)}: readers see all of them or
 * none, and a crash keeps all of them or none. Later operations on the same key win. Not
 * thread-safe; the store copies nothing, so do not modify key or value arrays after adding them.
 */
public final class WriteBatch {
    /** One operation; {@code value} is null for a delete. */
    public record Op(byte[] key, byte[] value) {
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();
    private long approximateBytes;

    public WriteBatch put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null (use delete)");
        ops.add(new Op(key, value));
        approximateBytes += key.length + value.length;
        return this;
    }

    public WriteBatch delete(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        ops.add(new Op(key, null));
        approximateBytes += key.length;
        return this;
    }

    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Sum of key and value lengths. */
    public long approximateBytes() {
        return approximateBytes;
    }

    public List<Op> ops() {
        return java.util.Collections.unmodifiableList(ops);
    }

    public void clear() {
        ops.clear();
        approximateBytes = 0;
    }
}
