package dev.sediment.store.key;

/**
 * What an internal key records. The codes are persisted in every SSTable trailer:
 * DO NOT CHANGE THEM, only add new ones.
 */
public enum KeyKind {
    DELETE(0),
    PUT(1);

    /** The highest code; a seek key uses it so it sorts before every real entry of its revision. */
    public static final int MAX_CODE = 0xFF;

    private final int code;

    KeyKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind of a persisted code, or null if the code is unknown (corrupt or from a newer format). */
    public static KeyKind fromCode(int code) {
        switch (code) {
            case 0:
                return DELETE;
            case 1:
                return PUT;
            default:
                return null;
        }
    }
}
