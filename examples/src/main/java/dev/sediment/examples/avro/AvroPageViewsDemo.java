package dev.sediment.examples.avro;

import dev.sediment.examples.avro.records.PageStats;
import dev.sediment.examples.query.StoreQueries;
import dev.sediment.examples.query.StoreUnavailableException;
import dev.sediment.examples.run.BoundedRun;
import dev.sediment.examples.run.ExampleKafka;
import dev.sediment.examples.run.ExampleOptions;
import dev.sediment.examples.run.QuietLogging;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;

/**
 * Avro records without a schema registry: page views written by an old producer (schema version 1)
 * and a new one (version 2) side by side, read with one serde that knows both versions, aggregated
 * into Avro values in a Sediment store.
 *
 * <pre>
 * mvn -q -pl examples exec:java -Dexec.mainClass=dev.sediment.examples.avro.AvroPageViewsDemo
 * </pre>
 */
public final class AvroPageViewsDemo {
    public static final String APPLICATION_ID = "avro-page-views";
    private static final int VIEWS_PER_SECOND = 100;
    private static final Duration SUMMARY_EVERY = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private AvroPageViewsDemo() {}

    public static void main(String[] args) throws Exception {
        QuietLogging.apply();
        run(ExampleOptions.fromSystem());
    }

    /** Runs the example once; throws if the store does not end up with the stats of the views sent. */
    public static void run(ExampleOptions options) throws Exception {
        try (ExampleKafka kafka = ExampleKafka.connect(options)) {
            PageViewsTopology.Topics topics = PageViewsTopology.Topics.DEFAULT.withSuffix(kafka.runSuffix());
            String applicationId = APPLICATION_ID + kafka.runSuffix();
            kafka.createTopics(2, topics.pageViews(), topics.pageStats());
            System.out.printf("Page views go to '%s': every other one in schema version 1 (%s), "
                    + "the others in version 2%n", topics.pageViews(), PageViewSerdes.PAGE_VIEW_V1);

            try (PageViewFeed feed = new PageViewFeed(kafka.bootstrapServers(), topics);
                    KafkaStreams streams = new KafkaStreams(PageViewsTopology.build(topics),
                            properties(kafka.bootstrapServers(), applicationId, options.freshStateDir(applicationId)))) {
                BoundedRun run = BoundedRun.start(streams).awaitRunning();
                StoreQueries queries = new StoreQueries(streams);
                run.runFor(options.runTime(), SUMMARY_EVERY, () -> feed.send(VIEWS_PER_SECOND / 10),
                        () -> printSummary(run, feed, queries));
                boolean exact = run.awaitAgreement(CATCH_UP_TIMEOUT, () -> {
                    Map<String, PageStats> actual = queries.all(PageViewsTopology.PAGE_STATS_STORE);
                    SortedMap<String, PageStats> expected = feed.expected();
                    return actual.equals(expected) ? "" : "the store holds " + actual + " but the views add up to " + expected;
                }).isEmpty();
                System.out.println();
                System.out.printf("RangeQuery %s (all), Avro PageStats values:%n", PageViewsTopology.PAGE_STATS_STORE);
                queries.<PageStats>all(PageViewsTopology.PAGE_STATS_STORE).forEach((page, stats) ->
                        System.out.printf("  %-10s %s%n", page, stats));
                System.out.printf("Read %d views written with version 1 (referrer filled in as \"direct\") and %d "
                        + "with version 2; the store equals what was sent: %s%n%n",
                        feed.sentV1(), feed.sentV2(), exact ? "yes" : "NO");
                System.out.println("Closing Kafka Streams...");
                if (!exact) {
                    throw new IllegalStateException("the page stats do not match the views sent; see above");
                }
            }
        }
        System.out.println("Done.");
    }

    public static Properties properties(String bootstrapServers, String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Range queries read below the record cache, which is flushed on commit: commit every second
        // (at-least-once commits every 30 s by default) so the live summary moves.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return p;
    }

    private static void printSummary(BoundedRun run, PageViewFeed feed, StoreQueries queries) {
        String views;
        try {
            StringBuilder line = new StringBuilder();
            queries.<PageStats>all(PageViewsTopology.PAGE_STATS_STORE).forEach((page, stats) ->
                    line.append(page).append(' ').append(stats.getViews()).append("  "));
            views = line.toString();
        } catch (StoreUnavailableException e) {
            views = "(not queryable right now: " + e.getMessage() + ")";
        }
        System.out.printf("[%5.1f s] %5d views sent (v1 %d, v2 %d) | views per page (IQv2): %s%n",
                run.elapsedSeconds(), feed.sentV1() + feed.sentV2(), feed.sentV1(), feed.sentV2(), views);
    }
}
