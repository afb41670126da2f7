package dev.sediment.examples.dsl;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Word statistics written as any Kafka Streams user would, naming no store supplier: which store
 * backs each aggregation is left to {@code dsl.store.suppliers.class}. With
 * {@code SedimentDslStoreSuppliers} all three are Sediment stores: the two key-value stores and the
 * windowed count's window store.
 */
public final class WordStatsTopology {
    public static final String WORD_COUNTS = "word-counts";
    public static final String LONGEST_BY_LETTER = "longest-word-by-letter";
    public static final String WORDS_PER_WINDOW = "words-per-10s";

    public record Topics(String sentences, String wordCounts) {
        public static final Topics DEFAULT = new Topics("sentences", "word-counts");

        public Topics withSuffix(String suffix) {
            return new Topics(sentences + suffix, wordCounts + suffix);
        }
    }

    private WordStatsTopology() {}

    public static Topology build(Topics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> words = builder.stream(topics.sentences(), Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(sentence -> Arrays.asList(sentence.toLowerCase(Locale.ROOT).split("\\W+")))
                .filter((key, word) -> !word.isEmpty())
                .selectKey((key, word) -> word);
        var byWord = words.groupByKey(Grouped.with("words", Serdes.String(), Serdes.String()));

        byWord.count(Materialized.as(WORD_COUNTS))
                .toStream()
                .to(topics.wordCounts(), Produced.with(Serdes.String(), Serdes.Long()));

        words.map((word, same) -> KeyValue.pair(word.substring(0, 1), word))
                .groupByKey(Grouped.with("words-by-letter", Serdes.String(), Serdes.String()))
                .reduce(WordStatsTopology::longer, Materialized.as(LONGEST_BY_LETTER));

        byWord.windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10)))
                .count(Materialized.as(WORDS_PER_WINDOW));
        return builder.build();
    }

    /** The longer word; the alphabetically first of two as long, so the result does not depend on order. */
    static String longer(String a, String b) {
        if (a.length() != b.length()) {
            return a.length() > b.length() ? a : b;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }
}
