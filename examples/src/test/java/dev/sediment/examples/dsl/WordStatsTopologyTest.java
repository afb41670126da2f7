package dev.sediment.examples.dsl;

import dev.sediment.examples.testing.UnderTarget;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The DSL example's topology without a broker: one config line puts its key-value stores on Sediment. */
class WordStatsTopologyTest {
    private static final WordStatsTopology.Topics TOPICS = WordStatsTopology.Topics.DEFAULT;

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void countsWordsAndKeepsTheLongestPerLetterInSedimentStores() {
        var properties = DslSwitchDemo.properties("unused:9092", "word-stats-topology-test", dir);
        try (TopologyTestDriver driver = new TopologyTestDriver(WordStatsTopology.build(TOPICS), properties)) {
            var sentences = driver.createInputTopic(TOPICS.sentences(), new StringSerializer(), new StringSerializer());
            var counts = driver.createOutputTopic(TOPICS.wordCounts(), new StringDeserializer(), new LongDeserializer());

            sentences.pipeInput("s1", "Sediment settles in layers.");
            sentences.pipeInput("s2", "Layers, layers; sediment!");

            assertEquals(Map.of("sediment", 2L, "settles", 1L, "in", 1L, "layers", 3L), counts.readKeyValuesToMap());
            assertEquals("sediment",
                    driver.<String, String>getKeyValueStore(WordStatsTopology.LONGEST_BY_LETTER).get("s"));
            assertEquals(Map.of(
                            WordStatsTopology.WORD_COUNTS, SedimentStores.METRICS_SCOPE,
                            WordStatsTopology.LONGEST_BY_LETTER, SedimentStores.METRICS_SCOPE,
                            WordStatsTopology.WORDS_PER_WINDOW, SedimentStores.METRICS_SCOPE), // window stores run on Sediment too
                    StoreBackends.of(driver.metrics().keySet()));
        }
    }
}
