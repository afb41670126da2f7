package dev.sediment.store;

import java.io.IOException;

/** An I/O operation failed (a full disk, a failed fsync, a missing file); the message names the file. */
public class StoreIOException extends StoreException {
    public StoreIOException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }
}
