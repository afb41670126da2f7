package dev.sediment.store.fs;

import java.nio.file.Path;

/**
 * The names of a store's files. File numbers come from one counter that is never reused.
 * <pre>
 *   000012.sst           an SSTable
 *   000012.sst.tmp       an SSTable being written (deleted on failure, swept on open)
 *   MANIFEST-000005      a manifest (log of version edits)
 *   CURRENT              names the live manifest
 *   CURRENT.tmp          a CURRENT being switched
 *   LOCK                 held while the store is open
 * </pre>
 */
public final class FileNames {
    public static final String CURRENT = "CURRENT";
    public static final String LOCK = "LOCK";
    public static final String TEMP_SUFFIX = ".tmp";
    private static final String MANIFEST_PREFIX = "MANIFEST-";
    private static final String TABLE_SUFFIX = ".sst";

    /** What kind of file a name denotes. */
    public enum Kind { TABLE, MANIFEST, CURRENT, LOCK, TEMP, UNKNOWN }

    private FileNames() {
    }

    public static String tableName(long fileNumber) {
        return String.format("%06d%s", fileNumber, TABLE_SUFFIX);
    }

    public static Path table(Path dir, long fileNumber) {
        return dir.resolve(tableName(fileNumber));
    }

    public static String manifestName(long fileNumber) {
        return String.format("%s%06d", MANIFEST_PREFIX, fileNumber);
    }

    public static Path manifest(Path dir, long fileNumber) {
        return dir.resolve(manifestName(fileNumber));
    }

    public static Path current(Path dir) {
        return dir.resolve(CURRENT);
    }

    public static Path temp(Path file) {
        return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    public static Kind kind(String name) {
        if (name.endsWith(TEMP_SUFFIX)) {
            return Kind.TEMP;
        }
        if (name.equals(CURRENT)) {
            return Kind.CURRENT;
        }
        if (name.equals(LOCK)) {
            return Kind.LOCK;
        }
        if (name.startsWith(MANIFEST_PREFIX) && number(name) >= 0) {
            return Kind.MANIFEST;
        }
        if (name.endsWith(TABLE_SUFFIX) && number(name) >= 0) {
            return Kind.TABLE;
        }
        return Kind.UNKNOWN;
    }

    /** The file number in a table or manifest name, or -1. */
    public static long number(String name) {
        String digits;
        if (name.startsWith(MANIFEST_PREFIX)) {
            digits = name.substring(MANIFEST_PREFIX.length());
        } else if (name.endsWith(TABLE_SUFFIX)) {
            digits = name.substring(0, name.length() - TABLE_SUFFIX.length());
        } else {
            return -1;
        }
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }
}
