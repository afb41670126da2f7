package dev.sediment.examples.run;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The first failed send of a feed's producer, so the example stops with the broker's reason instead of
 * later reporting totals that do not match. Thread-safe (callbacks run on the producer's I/O thread).
 */
public final class SendFailures {
    private final AtomicReference<Exception> first = new AtomicReference<>();

    /** The callback to pass to {@code send}: remembers the first failure. */
    public Callback callback() {
        return (metadata, e) -> {
            if (e != null) {
                first.compareAndSet(null, e);
            }
        };
    }

    /** Throws if a send has failed so far. */
    public void check() {
        Exception e = first.get();
        if (e != null) {
            throw new IllegalStateException("the broker refused a record: " + e, e);
        }
    }

    /** Waits until the broker has every record sent, then {@link #check}s. */
    public void flushAndCheck(Producer<?, ?> producer) {
        producer.flush();
        check();
    }
}
