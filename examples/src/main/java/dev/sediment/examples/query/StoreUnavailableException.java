package dev.sediment.examples.query;

import org.apache.kafka.streams.query.QueryResult;

/** A store partition cannot answer an interactive query now, typically during a rebalance. */
public final class StoreUnavailableException extends RuntimeException {
    StoreUnavailableException(String message) {
        super(message);
    }

    StoreUnavailableException(String store, int partition, QueryResult<?> result) {
        this(store + " partition " + partition + " did not answer: "
                + (result == null ? "no result" : result.getFailureReason() + " " + result.getFailureMessage()));
    }
}
