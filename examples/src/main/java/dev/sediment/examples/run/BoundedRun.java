package dev.sediment.examples.run;

import dev.sediment.examples.query.StoreUnavailableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a started-from-here {@link KafkaStreams} for a bounded time: waits until it is RUNNING, then
 * feeds it and prints a summary every few seconds until the run time is over, then waits until its
 * stores agree with what was sent. The caller closes it.
 *
 * <p>A stream thread's error stops the run at once with that error, instead of leaving the example
 * printing stale summaries.
 */
public final class BoundedRun {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TICK = Duration.ofMillis(100);

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

    /**
     * Until {@code runTime} has passed since the start, calls {@code tick} every 100 ms (a feed sending
     * its share) and {@code summary} every {@code every}, both on this thread, so what they print never
     * interleaves.
     */
    public void runFor(Duration runTime, Duration every, Runnable tick, Runnable summary) throws InterruptedException {
        long end = startNanos + runTime.toNanos();
        long nextTick = System.nanoTime();
        long nextSummary = nextTick + every.toNanos();
        while (System.nanoTime() - end < 0) {
            check();
            tick.run();
            nextTick += TICK.toNanos();
            long wake = nextTick - end < 0 ? nextTick : end;
            Thread.sleep(Math.max(0, (wake - System.nanoTime()) / 1_000_000));
            if (System.nanoTime() - nextSummary >= 0) {
                summary.run();
                nextSummary += every.toNanos();
            }
        }
    }

    /** The answer of a check of the stores against what was sent: "" when they agree, else how they differ. */
    @FunctionalInterface
    public interface Difference {
        String describe();
    }

    /**
     * Asks {@code difference} every 200 ms until the stores agree with what was sent or {@code timeout}
     * passes; a store that cannot be queried right now (a rebalance) is asked again. Returns "" if they
     * agreed, else the last difference, after printing it.
     */
    public String awaitAgreement(Duration timeout, Difference difference) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            check();
            try {
                last = difference.describe();
                if (last.isEmpty()) {
                    return "";
                }
            } catch (StoreUnavailableException e) {
                last = e.getMessage();
            }
            Thread.sleep(200);
        }
        System.out.printf("After %s the stores still differ from what was sent: %s%n", timeout, last);
        return last;
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
