package dev.sediment.examples.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Interactive queries (IQv2) on the String-keyed key-value stores of one local {@link KafkaStreams}:
 * {@link KeyQuery} and {@link RangeQuery} over every local partition, merged in key order. Only active tasks answer, so a standby's older copy never does.
 *
 * <p>On a DSL store (timestamped) both queries return plain values: Kafka's metered store unwraps
 * them, and a Sediment store from {@code SedimentStores.timestampedKeyValueStore} needs no adapter because it is
 * a {@code TimestampedBytesStore}.
 *
 * @throws StoreUnavailableException from every query while a partition cannot answer (during a
 *     rebalance or a restore); ask again a moment later
 */
public final class StoreQueries {
    private final KafkaStreams streams;

    public StoreQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * The value of {@code key}, or empty if the store has none. Asked of every local active
     * partition: only the one the key hashes to can hold it. (An application spread over several
     * hosts would set {@code application.server} and route by {@code queryMetadataForKey} first.)
     */
    public <V> Optional<V> get(String store, String key) {
        StateQueryResult<V> result = streams.query(StateQueryRequest.inStore(store)
                .withQuery(KeyQuery.<String, V>withKey(key))
                .requireActive());
        if (result.getPartitionResults().isEmpty()) {
            throw new StoreUnavailableException(store + " has no active partition here yet");
        }
        V value = null;
        for (Map.Entry<Integer, QueryResult<V>> e : result.getPartitionResults().entrySet()) {
            if (isStandby(e.getValue())) {
                continue;
            }
            if (e.getValue().isFailure()) {
                throw new StoreUnavailableException(store, e.getKey(), e.getValue());
            }
            if (e.getValue().getResult() != null) {
                value = e.getValue().getResult();
            }
        }
        return Optional.ofNullable(value);
    }

    /** Every entry with {@code from <= key <= to}; null bounds are open. */
    public <V> SortedMap<String, V> range(String store, String from, String to) {
        RangeQuery<String, V> query = RangeQuery.withRange(from, to);
        StateQueryResult<KeyValueIterator<String, V>> result =
                streams.query(StateQueryRequest.inStore(store).withQuery(query).requireActive());
        if (result.getPartitionResults().isEmpty()) {
            throw new StoreUnavailableException(store + " has no active partition here yet");
        }
        SortedMap<String, V> entries = new TreeMap<>();
        for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> e : result.getPartitionResults().entrySet()) {
            if (isStandby(e.getValue())) {
                continue;
            }
            if (e.getValue().isFailure()) {
                throw new StoreUnavailableException(store, e.getKey(), e.getValue());
            }
            try (KeyValueIterator<String, V> it = e.getValue().getResult()) {
                while (it.hasNext()) {
                    KeyValue<String, V> entry = it.next();
                    entries.put(entry.key, entry.value);
                }
            }
        }
        return entries;
    }

    /**
     * Without partitions named, a query goes to every local copy, standbys included, and under
     * {@code requireActive()} those answer NOT_ACTIVE: not an error, just not theirs to answer.
     */
    private static boolean isStandby(QueryResult<?> result) {
        return result.isFailure() && result.getFailureReason() == FailureReason.NOT_ACTIVE;
    }

    /** The whole store. */
    public <V> SortedMap<String, V> all(String store) {
        return range(store, null, null);
    }
}
