package dev.sediment.examples.avro;

import dev.sediment.examples.avro.records.PageStats;
import dev.sediment.examples.avro.records.PageView;
import dev.sediment.streams.SedimentStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Page views (key: user, value: Avro {@code PageView}, version 1 or 2) regrouped by page into Avro
 * {@code PageStats} kept in a Sediment store. Version 1 records are resolved to version 2 as they
 * are read, so the repartition topic, the store and the output hold version 2 only.
 */
public final class PageViewsTopology {
    public static final String PAGE_STATS_STORE = "page-stats";
    static final String DIRECT = "direct";

    public record Topics(String pageViews, String pageStats) {
        public static final Topics DEFAULT = new Topics("page-views", "page-stats");

        public Topics withSuffix(String suffix) {
            return new Topics(pageViews + suffix, pageStats + suffix);
        }
    }

    private PageViewsTopology() {}

    public static Topology build(Topics topics) {
        var views = PageViewSerdes.pageViews();
        var stats = PageViewSerdes.pageStats();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.pageViews(), Consumed.with(Serdes.String(), views))
                .groupBy((user, view) -> view.getPage(), Grouped.with("views-by-page", Serdes.String(), views))
                .aggregate(() -> new PageStats(0L, 0L, 0L), (page, view, total) -> add(total, view),
                        Materialized.<String, PageStats>as(SedimentStores.timestampedKeyValueStore(PAGE_STATS_STORE))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(stats))
                .toStream()
                .to(topics.pageStats(), Produced.with(Serdes.String(), stats));
        return builder.build();
    }

    static PageStats add(PageStats total, PageView view) {
        return new PageStats(total.getViews() + 1, total.getTotalDurationMs() + view.getDurationMs(),
                total.getDirectViews() + (DIRECT.equals(view.getReferrer()) ? 1 : 0));
    }
}
