package dev.sediment.examples.eos;

import dev.sediment.streams.eos.SedimentClientSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

/**
 * The exactly-once count app that {@link EosRestoreTest} kills: counts input records per key into a
 * Sediment (or RocksDB) store and emits every new count, printing the lines of {@link CountAppRun}.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, store
 * ({@code sediment} or {@code rocksdb}), client supplier ({@code sediment} or {@code default}), and
 * {@code sediment.max.replay.age.ms}.
 */
public final class EosCountApp {
    private EosCountApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountAppRun run = new CountAppRun();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> run.processed.incrementAndGet())
                .groupByKey()
                .count(Materialized.<String, Long>as(CountAppRun.store(args[5]))
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.Long()));
        KafkaStreams streams = new KafkaStreams(builder.build(), CountAppRun.exactlyOnce(args[0], args[1], args[2], args[7]),
                "sediment".equals(args[6]) ? new SedimentClientSupplier() : new DefaultKafkaClientSupplier());
        run.runUntilStopped(streams);
    }
}
