package dev.sediment.store;

/** The store, snapshot or iterator was used after {@code close()}. */
public class StoreClosedException extends StoreException {
    public StoreClosedException(String what) {
        super(what + " is closed");
    }
}
