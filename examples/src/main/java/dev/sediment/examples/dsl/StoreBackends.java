package dev.sediment.examples.dsl;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which store implementation backs each state store of a running application, read from its
 * metrics: every store's metrics carry a tag {@code <scope>-state-id} naming it, where the scope is
 * the supplier's ({@code sediment}, {@code rocksdb}, {@code rocksdb-window}, {@code in-memory}...).
 */
public final class StoreBackends {
    private static final String TAG_SUFFIX = "-state-id";

    private StoreBackends() {}

    /** Store name to metrics scope, for the stores of the tasks this instance runs. */
    public static SortedMap<String, String> of(KafkaStreams streams) {
        return of(streams.metrics().keySet());
    }

    /** The same from any metric names, e.g. a {@code TopologyTestDriver}'s. */
    public static SortedMap<String, String> of(Collection<MetricName> metrics) {
        SortedMap<String, String> backends = new TreeMap<>();
        metrics.forEach(name -> {
            for (Map.Entry<String, String> tag : name.tags().entrySet()) {
                if (tag.getKey().endsWith(TAG_SUFFIX)) {
                    String scope = tag.getKey().substring(0, tag.getKey().length() - TAG_SUFFIX.length());
                    backends.put(tag.getValue(), scope);
                }
            }
        });
        return backends;
    }
}
