package dev.sediment.examples.run;

/**
 * Keeps Kafka's INFO logging out of an example's console, where the example's own lines should be
 * read. {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} brings it back.
 */
public final class QuietLogging {
    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private QuietLogging() {}

    /** Call first in main, before any logger exists: slf4j-simple reads these once. */
    public static void apply() {
        if (System.getProperty(DEFAULT_LEVEL) == null) {
            System.setProperty(DEFAULT_LEVEL, "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
    }
}
