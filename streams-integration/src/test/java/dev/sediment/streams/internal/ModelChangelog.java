package dev.sediment.streams.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The changelog of a seeded store-against-model test: the ops written, in order (an op's offset is its index), and
 * the model as it was at each commit. After a crash the store's committed offset names the model it must equal, and
 * the ops since are replayed through its restore callback, as Kafka Streams replays a changelog.
 *
 * @param <O> an op, as the test logs it
 * @param <M> the model
 */
final class ModelChangelog<O, M> {
    static final TopicPartition PARTITION = new TopicPartition("changelog", 0);
    private static final int BATCH = 50;

    private final List<O> ops = new ArrayList<>();
    private final Map<Long, M> atCommit = new HashMap<>();
    private final UnaryOperator<M> copy;

    /** A changelog with nothing written, whose offset -1 (no commit yet) is at {@code initial}. */
    ModelChangelog(M initial, UnaryOperator<M> copy) {
        this.copy = copy;
        atCommit.put(-1L, copy.apply(initial));
    }

    void add(O op) {
        ops.add(op);
    }

    int size() {
        return ops.size();
    }

    /** The offset of the last op written, -1 if none. */
    long lastOffset() {
        return ops.size() - 1;
    }

    /** Records that the store committed at {@link #lastOffset} with the model at {@code model}. */
    void committed(M model) {
        atCommit.put(lastOffset(), copy.apply(model));
    }

    /**
     * A copy of the model at the commit point a store recovered to ({@code null}: it never committed, offset -1);
     * fails naming {@code where} if the store reports an offset it never committed.
     */
    M modelAt(Long recovered, String where) {
        long from = recovered == null ? -1 : recovered;
        M model = atCommit.get(from);
        assertNotNull(model, "recovered at offset " + from + " which was never committed; " + where);
        return copy.apply(model);
    }

    /**
     * What Kafka Streams does after a crash: the ops after offset {@code from} through the restore callback, in
     * batches, each also handed to {@code apply} (the model's side).
     */
    void replay(StateRestoreCallback callback, long from, Function<O, byte[]> storeKey, Function<O, byte[]> value,
                Consumer<O> apply) {
        RecordBatchingStateRestoreCallback restore = (RecordBatchingStateRestoreCallback) callback;
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (long offset = from + 1; offset < ops.size(); offset++) {
            O op = ops.get((int) offset);
            batch.add(new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, storeKey.apply(op),
                    value.apply(op)));
            apply.accept(op);
            if (batch.size() == BATCH) {
                restore.restoreBatch(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            restore.restoreBatch(batch);
        }
    }
}
