package dev.sediment.store;

/**
 * What {@link Store#dropRange} removed: whole tables and their bytes.
 *
 * @param tables tables removed from the store by the call
 * @param bytes  their size on disk
 */
public record DroppedTables(int tables, long bytes) {
    public static final DroppedTables NONE = new DroppedTables(0, 0);
}
