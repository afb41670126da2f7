package dev.sediment.examples.dsl;

import dev.sediment.examples.query.StoreQueries;
import dev.sediment.examples.query.StoreUnavailableException;
import dev.sediment.examples.run.BoundedRun;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import dev.sediment.examples.run.QuietLogging;
import dev.sediment.streams.SedimentDslStoreSuppliers;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A whole topology switched to Sediment with one line of configuration,
 * {@code dsl.store.suppliers.class=dev.sediment.streams.SedimentDslStoreSuppliers}, and no change
 * to the topology's code. Prints which implementation each store got.
 *
 * <pre>
 * mvn -q -pl examples exec:java -Dexec.mainClass=dev.sediment.examples.dsl.DslSwitchDemo
 * </pre>
 */
public final class DslSwitchDemo {
    public static final String APPLICATION_ID = "dsl-switch";
    private static final int SENTENCES_PER_SECOND = 50;
    private static final Duration SUMMARY_EVERY = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private DslSwitchDemo() {}

    public static void main(String[] args) throws Exception {
        QuietLogging.apply();
        run(ExampleOptions.fromSystem());
    }

    /** Runs the example once; throws if the stores do not end up with what the sentences add up to. */
    public static void run(ExampleOptions options) throws Exception {
        try (ExampleKafka kafka = ExampleKafka.connect(options)) {
            WordStatsTopology.Topics topics = WordStatsTopology.Topics.DEFAULT.withSuffix(kafka.runSuffix());
            String applicationId = APPLICATION_ID + kafka.runSuffix();
            kafka.createTopics(2, topics.sentences(), topics.wordCounts());

            try (SentenceFeed feed = new SentenceFeed(kafka.bootstrapServers(), topics.sentences());
                    KafkaStreams streams = new KafkaStreams(WordStatsTopology.build(topics),
                            properties(kafka.bootstrapServers(), applicationId, options.freshStateDir(applicationId)))) {
                BoundedRun run = BoundedRun.start(streams).awaitRunning();
                System.out.printf("Stores by implementation (from their metrics): %s%n", StoreBackends.of(streams));
                StoreQueries queries = new StoreQueries(streams);
                run.runFor(options.runTime(), SUMMARY_EVERY, () -> feed.send(SENTENCES_PER_SECOND / 10),
                        () -> printSummary(run, feed, queries));
                boolean exact = run.awaitAgreement(CATCH_UP_TIMEOUT, () -> difference(feed, queries)).isEmpty();
                System.out.println();
                System.out.printf("RangeQuery %s[c..s]: %s%n", WordStatsTopology.WORD_COUNTS,
                        queries.range(WordStatsTopology.WORD_COUNTS, "c", "s"));
                System.out.printf("RangeQuery %s (all): %s%n", WordStatsTopology.LONGEST_BY_LETTER,
                        queries.all(WordStatsTopology.LONGEST_BY_LETTER));
                System.out.printf("The stores equal what %d sentences add up to: %s%n%n",
                        feed.sentences(), exact ? "yes" : "NO");
                System.out.println("Closing Kafka Streams...");
                if (!exact) {
                    throw new IllegalStateException("the word statistics do not match the sentences sent; see above");
                }
            }
        }
        System.out.println("Done.");
    }

    /** The one line that matters here is {@code DSL_STORE_SUPPLIERS_CLASS_CONFIG}. */
    public static Properties properties(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Range queries read below the record cache, which is flushed on commit: commit every second
        // (at-least-once commits every 30 s by default) so the live summary moves.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

    private static void printSummary(BoundedRun run, SentenceFeed feed, StoreQueries queries) {
        String top;
        try {
            top = queries.<Long>all(WordStatsTopology.WORD_COUNTS).entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(5)
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
        } catch (StoreUnavailableException e) {
            top = "(not queryable right now: " + e.getMessage() + ")";
        }
        System.out.printf("[%5.1f s] %5d sentences sent | top words (IQv2): %s%n",
                run.elapsedSeconds(), feed.sentences(), top);
    }

    private static String difference(SentenceFeed feed, StoreQueries queries) {
        Map<String, Long> counts = queries.all(WordStatsTopology.WORD_COUNTS);
        if (!counts.equals(feed.expectedCounts())) {
            return "word counts " + counts + " but the sentences add up to " + feed.expectedCounts();
        }
        Map<String, String> longest = queries.all(WordStatsTopology.LONGEST_BY_LETTER);
        return longest.equals(feed.expectedLongest()) ? ""
                : "longest words " + longest + " but the sentences have " + feed.expectedLongest();
    }
}
