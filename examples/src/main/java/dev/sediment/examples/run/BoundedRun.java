package dev.sediment.examples.run;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a started-from-here {@link KafkaStreams} for a bounded time: waits until it is RUNNING,
 * then calls a summary every few seconds until the run time is over. The caller closes it.
 *
 * <p>A stream thread's error stops the run at once with that error, instead of leaving the example
 * printing stale summaries.
 */
public final class BoundedRun {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long startNanos = System.nanoTime();

    private BoundedRun(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Installs the error handler and starts {@code streams}. */
    public static BoundedRun start(KafkaStreams streams) {
        BoundedRun run = new BoundedRun(streams);
        streams.setUncaughtExceptionHandler(e -> {
            run.failure.compareAndSet(null, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        return run;
    }

    /** Waits until the application is RUNNING (its tasks assigned and their stores restored). */
    public BoundedRun awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            check();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Kafka Streams is still " + streams.state() + " after "
                        + START_TIMEOUT + "; is the broker overloaded? Rerun with "
                        + "-Dorg.slf4j.simpleLogger.defaultLogLevel=info to see why");
            }
            Thread.sleep(100);
        }
        System.out.printf("[%5.1f s] Kafka Streams is RUNNING%n", elapsedSeconds());
        return this;
    }

    /** Until {@code runTime} has passed since the start, calls {@code summary} every {@code every}. */
    public void runFor(Duration runTime, Duration every, Runnable summary) throws InterruptedException {
        long end = startNanos + runTime.toNanos();
        long next = System.nanoTime() + every.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
            check();
            if (System.nanoTime() - next >= 0) {
                summary.run();
                next += every.toNanos();
            }
        }
    }

    /** Seconds since {@link #start}, for progress lines. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Throws the stream thread's error, or an error if the application stopped by itself. */
    public void check() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("a stream thread failed: " + error, error);
        }
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("Kafka Streams stopped by itself (" + state + "); rerun with "
                    + "-Dorg.slf4j.simpleLogger.defaultLogLevel=info to see why");
        }
    }
}
