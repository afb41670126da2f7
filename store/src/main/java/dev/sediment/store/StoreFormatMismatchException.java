package dev.sediment.store;

import java.nio.file.Path;

/**
 * A store was opened with a value format ({@link StoreOptions#format()}) other than the one recorded in
 * its manifest when it was created: its values would be misread, so it is not opened.
 */
public class StoreFormatMismatchException extends StoreException {
    private final Path dir;
    private final String recorded;
    private final String requested;

    public StoreFormatMismatchException(Path dir, String recorded, String requested) {
        super("store " + dir + " holds values in format '" + recorded + "', but was opened as '" + requested + "'");
        this.dir = dir;
        this.recorded = recorded;
        this.requested = requested;
    }

    public Path dir() {
        return dir;
    }

    /** The format recorded in the store's manifest. */
    public String recorded() {
        return recorded;
    }

    /** The format the failed open asked for. */
    public String requested() {
        return requested;
    }
}
