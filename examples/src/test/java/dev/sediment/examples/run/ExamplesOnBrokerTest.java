package dev.sediment.examples.run;

import dev.sediment.examples.avro.AvroPageViewsDemo;
import dev.sediment.examples.broker.EmbeddedKafkaBroker;
import dev.sediment.examples.dsl.DslSwitchDemo;
import dev.sediment.examples.orders.OrdersDemo;
import dev.sediment.examples.testing.UnderTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Each example end to end, for a few seconds, on one shared embedded broker given as
 * {@code bootstrap.servers} (so each run takes topics and an application id of its own). An
 * example throws when its stores do not end up with what its input adds up to.
 */
@Timeout(120)
class ExamplesOnBrokerTest {
    private static final Duration RUN_TIME = Duration.ofSeconds(6);

    @TempDir(factory = UnderTarget.class, cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static ExampleOptions options() {
        return new ExampleOptions(Optional.of(broker.bootstrapServers()), RUN_TIME, dir);
    }

    @Test
    void ordersDemo() throws Exception {
        OrdersDemo.run(options());
    }

    @Test
    void avroPageViewsDemo() throws Exception {
        AvroPageViewsDemo.run(options());
    }

    @Test
    void dslSwitchDemo() throws Exception {
        DslSwitchDemo.run(options());
    }
}
