package dev.sediment.examples.avro;

import dev.sediment.examples.avro.records.PageStats;
import dev.sediment.examples.avro.records.PageView;
import dev.sediment.examples.testing.UnderTarget;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Avro example's topology without a broker: two schema versions in, Avro stats out. */
class PageViewsTopologyTest {
    private static final PageViewsTopology.Topics TOPICS = PageViewsTopology.Topics.DEFAULT;

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void readsVersionOneAndTwoRecordsAndKeepsAvroStatsPerPage() {
        var properties = AvroPageViewsDemo.properties("unused:9092", "page-views-topology-test", dir);
        try (TopologyTestDriver driver = new TopologyTestDriver(PageViewsTopology.build(TOPICS), properties)) {
            var views = driver.createInputTopic(TOPICS.pageViews(), new StringSerializer(), new ByteArraySerializer());
            var stats = driver.createOutputTopic(TOPICS.pageStats(), new StringDeserializer(),
                    PageViewSerdes.pageStats().deserializer());

            GenericRecord old = new GenericData.Record(PageViewSerdes.schemaV1());
            old.put("user", "u1");
            old.put("page", "/docs");
            old.put("durationMs", 300L);
            views.pipeInput("u1", PageViewSerdes.pageViewsV1().serialize(TOPICS.pageViews(), old));
            views.pipeInput("u2", PageViewSerdes.pageViews().serialize(TOPICS.pageViews(),
                    new PageView("u2", "/docs", 700L, "search")));
            views.pipeInput("u2", PageViewSerdes.pageViews().serialize(TOPICS.pageViews(),
                    new PageView("u2", "/cart", 50L, "direct")));

            Map<String, PageStats> expected = Map.of(
                    "/docs", new PageStats(2L, 1000L, 1L), // the v1 view counts as direct: the v2 default
                    "/cart", new PageStats(1L, 50L, 1L));
            assertEquals(expected, stats.readKeyValuesToMap());
            assertEquals(expected.get("/docs"),
                    driver.<String, PageStats>getKeyValueStore(PageViewsTopology.PAGE_STATS_STORE).get("/docs"));
        }
    }
}
