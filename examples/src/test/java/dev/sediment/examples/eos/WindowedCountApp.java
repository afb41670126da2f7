package dev.sediment.examples.eos;

import dev.sediment.streams.SedimentDslStoreSuppliers;
import dev.sediment.streams.eos.SedimentClientSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;
import java.util.Properties;

/**
 * The exactly-once windowed count app that {@link WindowedEosRestoreTest} kills: counts input records per key in
 * tumbling event-time windows and emits each window's count once, when the window closes
 * ({@code emitStrategy(onWindowClose)}), so its committed output does not depend on when commits happen. Every
 * store is Sediment's ({@link SedimentDslStoreSuppliers}), with {@link SedimentClientSupplier}. It prints what
 * the test measures, as {@link CountAppRun} prints it: {@code state S} on each state change, {@code processed N}
 * ten times a second, and {@code restored-total N} (records restored by the restore listener) when it reaches RUNNING.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, window size in
 * milliseconds, and {@code sediment.max.replay.age.ms}. Output records: key {@code <key>@<window start>}, value
 * the window's count.
 */
public final class WindowedCountApp {
    private WindowedCountApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        // No cache: every record updates its window in the store and its changelog, so records restored compare
        // with records processed (a cache would fold many updates into one changelog record).
        Properties p = CountAppRun.exactlyOnce(args[0], args[1], args[2], args[6]);
        p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, SedimentDslStoreSuppliers.class);
        // Look for closed windows on every record, not once a second of wall-clock time, so the last windows are
        // emitted by the last records whatever the timing (Kafka's internal setting; the default throttles).
        p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);

        long windowMs = Long.parseLong(args[5]);
        CountAppRun run = new CountAppRun();
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> run.processed.incrementAndGet())
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(windowMs)))
                .emitStrategy(EmitStrategy.onWindowClose())
                // Retention ten windows long: Kafka's time-ordered window store (which onWindowClose reads, and
                // Sediment's answers alike) reads no window starting before stream time minus retention, so with the
                // default (window size + grace) a window whose closing record came later than its end would be
                // skipped when no cache holds it.
                .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>with(Serdes.String(), Serdes.Long())
                        .withRetention(Duration.ofMillis(10 * windowMs)))
                .toStream()
                .map((window, count) -> KeyValue.pair(window.key() + "@" + window.window().start(), count))
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));

        KafkaStreams streams = new KafkaStreams(builder.build(), p, new SedimentClientSupplier());
        run.runUntilStopped(streams);
    }
}
