package dev.sediment.examples.avro;

import dev.sediment.examples.avro.records.PageStats;
import dev.sediment.examples.avro.records.PageView;
import dev.sediment.streams.avro.AvroSchemas;
import dev.sediment.streams.avro.GenericAvroSerde;
import dev.sediment.streams.avro.SpecificAvroSerde;
import org.apache.avro.Schema;

/**
 * The Avro serdes of the page-view example, with no schema registry: the current schemas are the
 * generated classes' own, and the one older version of {@code PageView} is read from the classpath.
 */
public final class PageViewSerdes {
    /** Version 1 of {@code PageView}, without {@code referrer}; kept as it was, never generated. */
    public static final String PAGE_VIEW_V1 = "schemas/page-view-v1.avsc";

    private PageViewSerdes() {}

    /** The older writer schemas a page-view reader must know, resolved by their fingerprints. */
    public static AvroSchemas olderPageViews() {
        return AvroSchemas.builder().addResource(PAGE_VIEW_V1).build();
    }

    /** Writes version 2; reads version 2 and version 1 (with {@code referrer} = its default, "direct"). */
    public static SpecificAvroSerde<PageView> pageViews() {
        return new SpecificAvroSerde<>(PageView.class, olderPageViews());
    }

    public static SpecificAvroSerde<PageStats> pageStats() {
        return new SpecificAvroSerde<>(PageStats.class);
    }

    /** What a producer still on version 1 writes: generic records of the old schema. */
    public static GenericAvroSerde pageViewsV1() {
        return new GenericAvroSerde(schemaV1());
    }

    public static Schema schemaV1() {
        return olderPageViews().schemas().get(0);
    }
}
