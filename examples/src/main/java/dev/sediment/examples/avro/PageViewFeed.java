package dev.sediment.examples.avro;

import dev.sediment.examples.avro.records.PageStats;
import dev.sediment.examples.avro.records.PageView;
import dev.sediment.examples.run.SendFailures;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Avro example's input, as two generations of producers write it: every other view in version 1
 * (a generic record of the old schema, no referrer), the others in version 2 (the generated class).
 * Keeps the page stats the views should add up to.
 *
 * <p>Not thread-safe: one thread sends and reads.
 */
public final class PageViewFeed implements AutoCloseable {
    static final List<String> PAGES = List.of("/", "/cart", "/checkout", "/docs", "/pricing", "/search");
    private static final List<String> REFERRERS = List.of("direct", "newsletter", "search");

    private final PageViewsTopology.Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<GenericRecord> v1 = PageViewSerdes.pageViewsV1().serializer();
    private final Serializer<PageView> v2 = PageViewSerdes.pageViews().serializer();
    private final SendFailures sendFailures = new SendFailures();
    private final Random random = new Random(7);
    private final SortedMap<String, PageStats> expected = new TreeMap<>();
    private long sentV1;
    private long sentV2;

    public PageViewFeed(String bootstrapServers, PageViewsTopology.Topics topics) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code count} views and waits until the broker has them. */
    public void send(int count) {
        for (int i = 0; i < count; i++) {
            String user = "user-" + random.nextInt(50);
            String page = PAGES.get(random.nextInt(PAGES.size()));
            long durationMs = 100 + random.nextInt(10_000);
            byte[] payload;
            PageView asRead;
            if ((sentV1 + sentV2) % 2 == 0) {
                GenericRecord old = new GenericData.Record(PageViewSerdes.schemaV1());
                old.put("user", user);
                old.put("page", page);
                old.put("durationMs", durationMs);
                payload = v1.serialize(topics.pageViews(), old);
                asRead = new PageView(user, page, durationMs, PageViewsTopology.DIRECT);
                sentV1++;
            } else {
                asRead = new PageView(user, page, durationMs, REFERRERS.get(random.nextInt(REFERRERS.size())));
                payload = v2.serialize(topics.pageViews(), asRead);
                sentV2++;
            }
            expected.merge(page, PageViewsTopology.add(new PageStats(0L, 0L, 0L), asRead),
                    (a, b) -> PageViewsTopology.add(a, asRead));
            producer.send(new ProducerRecord<>(topics.pageViews(), user, payload),
                    sendFailures.callback());
        }
        sendFailures.flushAndCheck(producer);
    }

    public long sentV1() {
        return sentV1;
    }

    public long sentV2() {
        return sentV2;
    }

    /** Stats per page of every view sent so far. */
    public SortedMap<String, PageStats> expected() {
        return new TreeMap<>(expected);
    }

    @Override
    public void close() {
        producer.close();
    }
}
