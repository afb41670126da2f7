package dev.sediment.store;

/** Per-block compression. The codes are persisted in block trailers: DO NOT CHANGE THEM. */
public enum Compression {
    NONE(0),
    ZSTD(1);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The compression of a persisted code, or null if unknown. */
    public static Compression fromCode(int code) {
        switch (code) {
            case 0:
                return NONE;
            case 1:
                return ZSTD;
            default:
                return null;
        }
    }
}
