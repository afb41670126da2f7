package dev.sediment.store;

/**
 * The base of every error the store reports. Unchecked, as Kafka Streams expects of a state store
 * (it wraps them in {@code ProcessorStateException}). Each message says what failed and where.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
