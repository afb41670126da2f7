package dev.sediment.examples.dsl;

import dev.sediment.examples.run.SendFailures;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Random sentences from a small vocabulary, and the word counts and longest words they should give.
 *
 * <p>Not thread-safe: one thread sends and reads.
 */
public final class SentenceFeed implements AutoCloseable {
    static final List<String> VOCABULARY = List.of("sediment", "settles", "in", "layers", "compaction", "presses",
            "the", "layers", "together", "revisions", "are", "trimmed", "once", "kafka", "made", "them", "safe",
            "log", "store", "stream", "table", "snapshot", "commit", "point", "restore");

    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final SendFailures sendFailures = new SendFailures();
    private final Random random = new Random(11);
    private final SortedMap<String, Long> counts = new TreeMap<>();
    private final SortedMap<String, String> longest = new TreeMap<>();
    private long sentences;

    public SentenceFeed(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    /** Sends {@code count} sentences of 3 to 8 words and waits until the broker has them. */
    public void send(int count) {
        for (int i = 0; i < count; i++) {
            StringBuilder sentence = new StringBuilder();
            int words = 3 + random.nextInt(6);
            for (int w = 0; w < words; w++) {
                String word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
                sentence.append(w == 0 ? "" : " ").append(word);
                counts.merge(word, 1L, Long::sum);
                longest.merge(word.substring(0, 1), word, WordStatsTopology::longer);
            }
            producer.send(new ProducerRecord<>(topic, "sentence-" + sentences++, sentence + "."),
                    sendFailures.callback());
        }
        sendFailures.flushAndCheck(producer);
    }

    public long sentences() {
        return sentences;
    }

    public SortedMap<String, Long> expectedCounts() {
        return new TreeMap<>(counts);
    }

    public SortedMap<String, String> expectedLongest() {
        return new TreeMap<>(longest);
    }

    @Override
    public void close() {
        producer.close();
    }
}
