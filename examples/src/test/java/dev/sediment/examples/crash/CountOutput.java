package dev.sediment.examples.crash;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The count app's output topic, read from the beginning without a consumer group: every count
 * emitted per key, in order. Under exactly-once and read_committed a key that got n input records
 * shows exactly 1, 2, ..., n; a lost or repeated record shows as a gap, a repeat or a larger count.
 */
public final class CountOutput implements AutoCloseable {
    private final KafkaConsumer<String, Long> consumer;
    private final Set<TopicPartition> partitions;
    private final Map<String, List<Long>> countsByKey = new TreeMap<>();

    public CountOutput(String bootstrapServers, String topic, IsolationLevel isolation) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new LongDeserializer());
        partitions = Set.copyOf(consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what is there now, waiting at most {@code timeout} for the first records. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<String, Long> record : consumer.poll(timeout)) {
            countsByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
    }

    /** Whether this reader is at the end: the high watermark, or under read_committed the last stable offset. */
    public boolean atEnd() {
        return consumer.endOffsets(partitions).entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Every count read so far, per key, in the order emitted. */
    public Map<String, List<Long>> countsByKey() {
        return countsByKey;
    }

    /** The highest count read for any key. */
    public long maxCount() {
        return countsByKey.values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
