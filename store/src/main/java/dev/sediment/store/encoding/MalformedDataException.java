package dev.sediment.store.encoding;

/**
 * Bytes that do not decode: an overrun, an over-long varint, a length past the end. Thrown by
 * {@link ByteReader}; readers of files catch it and report a {@code CorruptionException} that names
 * the file and offset.
 */
public final class MalformedDataException extends RuntimeException {
    public MalformedDataException(String message) {
        super(message);
    }
}
