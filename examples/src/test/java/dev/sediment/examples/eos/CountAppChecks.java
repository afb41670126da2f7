package dev.sediment.examples.eos;

import dev.sediment.examples.childjvm.ChildJvm;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the end-to-end tests of the count apps ({@link CountAppRun}, {@link WindowedCountApp}) share: the input they produce, and waits on
 * the apps' printed lines and on their consumer group, each with a deadline.
 */
final class CountAppChecks {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern PROCESSED = Pattern.compile("processed (\\d+)");
    private static final Pattern FLUSHED = Pattern.compile("flushed (\\d+)");
    private static final Pattern RESTORED = Pattern.compile("restored-total (\\d+)");
    private static final Object POLL = new Object();

    private CountAppChecks() {
    }

    /** {@code records} records {@code key-(i % keys)} = {@code e<i>} into {@code topic}. */
    static void produce(String bootstrap, String topic, int records, int keys) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % keys), "e" + i));
            }
            producer.flush();
        }
    }

    /** The last value of {@code p}'s first group in {@code text}; fails if there is none. */
    static long lastGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        assertTrue(last >= 0, "no match of " + p + " in " + text);
        return last;
    }

    /** Waits for RUNNING; returns the records the app restored on the way. */
    static long awaitRunning(ChildJvm child) throws Exception {
        child.awaitLog("state RUNNING", TIMEOUT);
        return lastGroup(RESTORED, child.log().read());
    }

    /** Waits until the app's progress line reports {@code target} records processed. */
    static void awaitProcessed(ChildJvm child, long target) throws InterruptedException {
        awaitProgress(child, PROCESSED, target, "process " + target + " records");
    }

    /** Waits until the open Sediment stores report flushed bytes: the counter starts at 0 when a store is opened. */
    static void awaitFlushedSinceOpen(ChildJvm child) throws InterruptedException {
        awaitProgress(child, FLUSHED, 1, "flush its reopened stores");
    }

    private static void awaitProgress(ChildJvm child, Pattern p, long target, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Matcher m = p.matcher(child.log().read()); // the whole log: query lines may follow the last progress line
            long last = 0;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            if (last >= target) {
                return;
            }
            if (!child.isAlive() || System.nanoTime() - deadline > 0) {
                fail("the app did not " + what + " (last: " + last + "); see " + child.log());
            }
            synchronized (POLL) {
                POLL.wait(20); // the app prints its progress every 100 ms
            }
        }
    }

    /** Input records whose processing the app committed (its consumer group's offsets), over all partitions. */
    static long committed(Admin admin, String appId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Waits until the app committed all {@code records} input records. */
    static void awaitInputConsumed(Admin admin, String appId, long records) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (committed(admin, appId) < records) {
            if (System.nanoTime() - deadline > 0) {
                fail("the app committed only " + committed(admin, appId) + " of " + records + " input records");
            }
            synchronized (POLL) {
                POLL.wait(100);
            }
        }
    }
}
