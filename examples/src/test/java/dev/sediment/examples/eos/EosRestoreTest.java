package dev.sediment.examples.eos;

import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.childjvm.ChildJvm;
import dev.sediment.examples.crash.CountOutput;
import dev.sediment.examples.testing.UnderTarget;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.sediment.examples.eos.CountAppChecks.TIMEOUT;
import static dev.sediment.examples.eos.CountAppChecks.awaitInputConsumed;
import static dev.sediment.examples.eos.CountAppChecks.awaitProcessed;
import static dev.sediment.examples.eos.CountAppChecks.awaitRunning;
import static dev.sediment.examples.eos.CountAppChecks.committed;
import static dev.sediment.examples.eos.CountAppChecks.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exactly-once without a state wipe, on a real broker (issue 6): an {@code exactly_once_v2} count app on
 * Sediment with {@link dev.sediment.streams.eos.SedimentClientSupplier} is SIGKILLed at random moments
 * over several rounds and restarted on the same state directory. After each restart it restores at most
 * 10% of the records it had processed (its stores roll back to a recent per-transaction commit point and
 * replay only the rest), and its output is exact in the end: every key counts 1, 2, ..., n once each.
 * The same kill on Kafka Streams' RocksDB store restores everything, which the test prints beside it.
 */
@Timeout(400)
class EosRestoreTest {
    private static final String INPUT = "events";
    private static final String OUTPUT = "event-counts";
    private static final int PARTITIONS = 2;
    private static final int KEYS = 100;
    private static final int RECORDS = 1_000_000;
    /** The documented bound on replay: flush once the oldest unflushed commit point is this old. */
    private static final String REPLAY_AGE_MS = "100";

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aKilledExactlyOnceAppRestoresOnlyTheTailAndCountsExactly() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        Random rnd = new Random(seed);
        System.out.println("EosRestoreTest seed=" + seed);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            broker.createTopic(INPUT, PARTITIONS);
            produce(broker.bootstrapServers(), INPUT, RECORDS, KEYS);

            List<String> report = new ArrayList<>();
            // Sediment: three kills at random points, then a run to the end.
            String app = "eos-sediment";
            broker.createTopic(OUTPUT, PARTITIONS);
            double[] killAt = {0.55 + 0.1 * rnd.nextDouble(), 0.72 + 0.08 * rnd.nextDouble(), 0.88 + 0.06 * rnd.nextDouble()};
            for (int round = 0; round < killAt.length; round++) {
                long target = (long) (killAt[round] * RECORDS) - committed(admin, app); // this process's share
                try (ChildJvm child = start(broker, app, "sediment", "sediment", "sediment-" + round + ".log")) {
                    awaitRunning(child);
                    awaitProcessed(child, target);
                    assertEquals(137, child.kill());
                }
                long processedBefore = committed(admin, app);
                try (ChildJvm restarted = start(broker, app, "sediment", "sediment", "sediment-" + round + "-restart.log")) {
                    long restored = awaitRunning(restarted);
                    String line = String.format("Sediment, kill %d: %d records processed (committed) before the SIGKILL, "
                            + "%d restored after it (%.2f%%)", round + 1, processedBefore, restored,
                            100.0 * restored / processedBefore);
                    System.out.println(line);
                    report.add(line);
                    // The tail is what was processed since the last commit point made durable: about 100 ms
                    // (sediment.max.replay.age.ms here) plus a flush and a manifest fsync, which on a busy 2-core
                    // VM sometimes take seconds (not yet traced; fsyncs behind the broker's writeback are our
                    // guess). Over 10 runs the replay was 0-7.7% at the first kill, 0-3.4% at later ones. 10%
                    // still tells a tail replay from a wipe (RocksDB: 100%, checked below).
                    assertTrue(restored <= 0.10 * processedBefore, line + "; see " + restarted.log());
                    if (round == killAt.length - 1) {
                        awaitInputConsumed(admin, app, RECORDS);
                        assertExactCounts(broker, OUTPUT);
                    }
                    restarted.stop();
                }
            }

            // The same kill on Kafka Streams' RocksDB store, for comparison: it wipes and restores everything.
            String rocks = "eos-rocksdb";
            String rocksOutput = OUTPUT + "-rocksdb";
            broker.createTopic(rocksOutput, PARTITIONS);
            long processedBefore;
            try (ChildJvm child = start(broker, rocks, "rocksdb", "default", "rocksdb.log", rocksOutput)) {
                awaitRunning(child);
                awaitProcessed(child, (long) (0.3 * RECORDS));
                assertEquals(137, child.kill());
            }
            processedBefore = committed(admin, rocks);
            try (ChildJvm restarted = start(broker, rocks, "rocksdb", "default", "rocksdb-restart.log", rocksOutput)) {
                long restored = awaitRunning(restarted);
                String line = String.format("RocksDB, one kill: %d records processed (committed) before the SIGKILL, "
                        + "%d restored after it (%.2f%%)", processedBefore, restored, 100.0 * restored / processedBefore);
                System.out.println(line);
                report.add(line);
                assertTrue(restored >= 0.9 * processedBefore, "RocksDB is expected to wipe and restore all: " + line);
                restarted.stop();
            }
            System.out.println(String.join("\n", report));
        }
    }

    private ChildJvm start(EmbeddedKafkaBroker broker, String appId, String store, String supplier, String log)
            throws Exception {
        return start(broker, appId, store, supplier, log, OUTPUT);
    }

    private ChildJvm start(EmbeddedKafkaBroker broker, String appId, String store, String supplier, String log,
                           String output) throws Exception {
        return ChildJvm.builder(EosCountApp.class, dir.resolve(log))
                .jvmOptions("-Xmx512m", "-XX:+UseSerialGC")
                .args(broker.bootstrapServers(), appId, dir.resolve("state-" + appId).toString(), INPUT, output,
                        store, supplier, REPLAY_AGE_MS)
                .start();
    }

    /** Every key's committed counts are exactly 1, 2, ..., RECORDS / KEYS: nothing lost, nothing twice. */
    private static void assertExactCounts(EmbeddedKafkaBroker broker, String topic) {
        try (CountOutput output = new CountOutput(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            do {
                output.poll(Duration.ofMillis(200));
            } while (!output.atEnd() && System.nanoTime() - deadline < 0);
            assertEquals(KEYS, output.countsByKey().size(), "keys in the output");
            output.countsByKey().forEach((key, counts) -> {
                for (int i = 0; i < counts.size(); i++) {
                    if (counts.get(i) != i + 1) {
                        fail(key + ": count #" + (i + 1) + " is " + counts.get(i) + " (lost or repeated input)");
                    }
                }
                assertEquals(RECORDS / KEYS, counts.size(), key + ": counts emitted");
            });
        }
    }
}
