package dev.sediment.examples.eos;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app {@link TransactionalStoresEosTest} kills and fails: Kafka Streams 4.4 under {@code exactly_once_v2}
 * with {@code enable.transactional.statestores=true}, Kafka's own client supplier, and interactive queries at
 * READ_COMMITTED ({@code default.interactive.query.isolation.level}). It counts records per key into
 * {@code "count:attempt"}, where the attempt names this process and stream-thread generation: a value computed
 * in a transaction that is later aborted carries an attempt no committed output has for that count, so a query
 * that returned it would be caught.
 *
 * <p>Prints the lines of {@link CountAppRun}, {@code injected failure} when it throws, and {@code iq KEY VALUE}
 * for every query answer.
 *
 * <p>Arguments: bootstrap servers, application id, state directory, input topic, output topic, store
 * ({@code sediment} or {@code rocksdb}), {@code sediment.max.replay.age.ms}, and the processed-record count at
 * which one processing exception is thrown (0: none); the uncaught-exception handler replaces the thread.
 */
public final class TransactionalCountApp {
    static final String STORE = CountAppRun.STORE;
    static final int KEYS = 100;

    private TransactionalCountApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        long failAt = Long.parseLong(args[7]);
        CountAppRun run = new CountAppRun();
        AtomicInteger generation = new AtomicInteger();
        String pid = Long.toString(ProcessHandle.current().pid());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(args[3], Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> {
                    if (run.processed.incrementAndGet() == failAt) {
                        System.out.println("injected failure at " + failAt + " restored " + run.restored.get());
                        throw new IllegalStateException("injected processing failure");
                    }
                })
                .groupByKey()
                .aggregate(() -> "0:",
                        (k, v, agg) -> (count(agg) + 1) + ":" + pid + "." + generation.get(),
                        Materialized.<String, String>as(CountAppRun.store(args[5]))
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()))
                .toStream()
                .to(args[4], Produced.with(Serdes.String(), Serdes.String()));

        Properties p = CountAppRun.exactlyOnce(args[0], args[1], args[2], args[6]);
        // By name: the keys exist from Kafka Streams 4.4 on.
        p.put("enable.transactional.statestores", "true");
        p.put("default.interactive.query.isolation.level", "READ_COMMITTED");
        // A replaced thread joins as a new static member (instance id "-2"): the broker's minimum session
        // timeout bounds how long the partitions of the one it replaced (or of a killed process's) wait.
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);

        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.setUncaughtExceptionHandler(e -> {
            generation.incrementAndGet();
            System.out.println("replacing the stream thread after: " + e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        run.every(() -> query(streams), 10);
        run.runUntilStopped(streams);
    }

    static long count(String value) {
        return Long.parseLong(value.substring(0, value.indexOf(':')));
    }

    /** One IQv2 key query at the configured default isolation level (READ_COMMITTED); prints a found value. */
    private static void query(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
        try {
            StateQueryResult<Object> result = streams.query(StateQueryRequest.inStore(STORE)
                    .withQuery(KeyQuery.<String, Object>withKey(key)));
            for (QueryResult<Object> r : result.getPartitionResults().values()) {
                if (r.isSuccess() && r.getResult() != null) {
                    Object v = r.getResult();
                    System.out.println("iq " + key + " " + (v instanceof ValueAndTimestamp<?> vt ? vt.value() : v));
                }
            }
        } catch (RuntimeException e) {
            // a rebalance or a replaced thread: the next query tries again
        }
    }
}
