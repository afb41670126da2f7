package dev.sediment.store;

/** Per-block compression. The codes are persisted in block trailers: DO NOT CHANGE THEM. */
public enum Compression {
    NONE(0),
    /** zstd through zstd-jni (native code). */
    ZSTD(1),
    /** The LZ4 block format, by Sediment's own pure-Java {@link Lz4} codec. */
    LZ4(2);

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
            case 2:
                return LZ4;
            default:
                return null;
        }
    }
}
