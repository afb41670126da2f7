package dev.sediment.store;

import java.util.ArrayList;
import java.util.Collections;
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
    private int largestKey;
    private int largestValue;
    /** {@link #keyOrder()}, kept until the batch changes. */
    private int[] keyOrder;

    public WriteBatch put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null (use delete)");
        ops.add(new Op(key, value));
        approximateBytes += key.length + value.length;
        largestKey = Math.max(largestKey, key.length);
        largestValue = Math.max(largestValue, value.length);
        keyOrder = null;
        return this;
    }

    public WriteBatch delete(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        ops.add(new Op(key, null));
        approximateBytes += key.length;
        largestKey = Math.max(largestKey, key.length);
        keyOrder = null;
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

    /** The length of the longest key added (0 if none): a store checks its size limits against it first. */
    public int largestKeyBytes() {
        return largestKey;
    }

    /** The length of the longest value added (0 if none). */
    public int largestValueBytes() {
        return largestValue;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /**
     * Indexes into {@link #ops()} in unsigned key order, of several operations on one key only the last:
     * the order {@link Store#ingest} writes a batch in. Computed once and kept until the batch changes, so a
     * caller that hands batches to another thread to ingest can sort the next one meanwhile by calling this
     * first. Do not modify the returned array.
     */
    public int[] keyOrder() {
        int[] order = keyOrder;
        if (order == null) {
            byte[][] keys = new byte[ops.size()][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = ops.get(i).key();
            }
            order = BatchKeyOrder.of(keys);
            keyOrder = order;
        }
        return order;
    }

    /**
     * Indexes into {@link #ops()} in internal-key order: by unsigned key, and of several operations on one key
     * the later first. The order {@link Store#write} inserts a batch into the memtable in (each insert then
     * starts from the previous one's place). Computed on each call.
     */
    public int[] writeOrder() {
        byte[][] keys = new byte[ops.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ops.get(i).key();
        }
        return BatchKeyOrder.internalKeyOrder(keys);
    }

    public void clear() {
        ops.clear();
        approximateBytes = 0;
        largestKey = 0;
        largestValue = 0;
        keyOrder = null;
    }
}
