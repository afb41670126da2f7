package dev.sediment.store.sstable;

import dev.sediment.store.encoding.MalformedDataException;

/**
 * The LZ4 block format, in plain Java (no native code): a sequence of {@code token ‖ literals ‖ offset ‖
 * match} groups, as specified in lz4's {@code lz4_Block_format.md}. Written from the format description:
 * <pre>
 * sequence := token:uint8  [literal-length extension]  literal:byte[literalLength]
 *             (offset:uint16-le  [match-length extension])?      -- absent only in the last sequence
 * token    := literalLength:4 high bits ‖ (matchLength - 4):4 low bits
 * extension (when its 4-bit field is 15) := 255* then one byte &lt; 255, all added to the field
 * </pre>
 * A match copies {@code matchLength} bytes starting {@code offset} (1..65535) bytes back in the output,
 * possibly overlapping what it writes. The compressor keeps the format's end-of-block rules so any LZ4
 * decoder reads its output: the last 5 bytes are literals, and no match starts in the last 12 bytes.
 *
 * <p>The compressor is a greedy single-pass matcher over a hash table of 4-byte sequences (LZ4's "fast"
 * level in spirit). The decompressor checks every length and offset against both buffers, so malformed
 * input throws {@link MalformedDataException} and never reads or writes out of bounds.
 *
 * <p>Stateless and thread-safe (the compressor allocates its hash table per call: 16 KiB, small next to
 * the block it compresses).
 */
final class Lz4 {
    private static final int MIN_MATCH = 4;
    /** The last literals of a block: no match may reach into them. */
    private static final int LAST_LITERALS = 5;
    /** No match may start within this many bytes of the end. */
    private static final int MF_LIMIT = 12;
    private static final int MAX_OFFSET = 65535;
    private static final int HASH_LOG = 12;
    private static final int ML_MASK = 15;
    private static final int RUN_MASK = 15;
    /** After 2^this positions without a match, the search steps 2 bytes at a time, then 3, ... */
    private static final int SKIP_SHIFT = 5;

    private Lz4() {
    }

    /** The largest compressed size of {@code len} input bytes (incompressible input grows a little). */
    static int maxCompressedLength(int len) {
        return len + len / 255 + 16;
    }

    /**
     * Compresses {@code src[srcOff, srcOff+srcLen)} into {@code dst} from {@code dstOff}.
     * REQUIRES: {@code dst} has {@link #maxCompressedLength(int)} bytes from {@code dstOff}.
     *
     * @return the compressed length
     */
    static int compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff) {
        int end = srcOff + srcLen;
        int anchor = srcOff;
        int op = dstOff;
        if (srcLen > MF_LIMIT) {
            int[] table = new int[1 << HASH_LOG];
            java.util.Arrays.fill(table, -1);
            int matchLimit = end - LAST_LITERALS;
            int lastMatchStart = end - MF_LIMIT;
            int ip = srcOff;
            int misses = 0;
            while (ip < lastMatchStart) {
                int seq = readIntLE(src, ip);
                int h = hash(seq);
                int ref = table[h];
                table[h] = ip;
                if (ref < 0 || ip - ref > MAX_OFFSET || readIntLE(src, ref) != seq) {
                    ip += 1 + (misses++ >> SKIP_SHIFT); // incompressible stretches are crossed faster
                    continue;
                }
                misses = 0;
                // Extend backwards over literals that also match, then forwards up to the last literals.
                while (ip > anchor && ref > srcOff && src[ip - 1] == src[ref - 1]) {
                    ip--;
                    ref--;
                }
                int len = MIN_MATCH;
                while (ip + len < matchLimit && src[ip + len] == src[ref + len]) {
                    len++;
                }
                op = writeSequence(src, anchor, ip - anchor, ip - ref, len, dst, op);
                ip += len;
                anchor = ip;
                if (ip - 2 >= srcOff && ip < lastMatchStart) {
                    table[hash(readIntLE(src, ip - 2))] = ip - 2;
                }
            }
        }
        return writeLastLiterals(src, anchor, end - anchor, dst, op) - dstOff;
    }

    private static int writeSequence(byte[] src, int litOff, int litLen, int offset, int matchLen, byte[] dst, int op) {
        int tokenAt = op++;
        int ml = matchLen - MIN_MATCH;
        int token = (Math.min(litLen, RUN_MASK) << 4) | Math.min(ml, ML_MASK);
        dst[tokenAt] = (byte) token;
        op = writeExtension(litLen, RUN_MASK, dst, op);
        System.arraycopy(src, litOff, dst, op, litLen);
        op += litLen;
        dst[op++] = (byte) offset;
        dst[op++] = (byte) (offset >>> 8);
        return writeExtension(ml, ML_MASK, dst, op);
    }

    private static int writeLastLiterals(byte[] src, int litOff, int litLen, byte[] dst, int op) {
        dst[op++] = (byte) (Math.min(litLen, RUN_MASK) << 4);
        op = writeExtension(litLen, RUN_MASK, dst, op);
        System.arraycopy(src, litOff, dst, op, litLen);
        return op + litLen;
    }

    /** The bytes after a 4-bit field that reached 15: runs of 255, then the rest (&lt; 255). */
    private static int writeExtension(int value, int mask, byte[] dst, int op) {
        if (value < mask) {
            return op;
        }
        int rest = value - mask;
        while (rest >= 255) {
            dst[op++] = (byte) 255;
            rest -= 255;
        }
        dst[op++] = (byte) rest;
        return op;
    }

    /**
     * Decompresses the block {@code src[srcOff, srcOff+srcLen)} into exactly {@code dstLen} bytes of
     * {@code dst} from {@code dstOff}.
     *
     * @throws MalformedDataException if the block is not well-formed or does not decode to exactly {@code dstLen} bytes
     */
    static void decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstLen) {
        int ip = srcOff;
        int srcEnd = srcOff + srcLen;
        int op = dstOff;
        int dstEnd = dstOff + dstLen;
        while (true) {
            if (ip >= srcEnd) {
                throw new MalformedDataException("lz4 block ends before its last sequence, at input byte " + (ip - srcOff));
            }
            int token = src[ip++] & 0xFF;
            int litLen = token >>> 4;
            if (litLen == RUN_MASK) {
                long ext = readExtension(src, ip, srcEnd, srcOff);
                ip = (int) (ext >>> 32);
                litLen += (int) ext;
            }
            if (litLen > srcEnd - ip || litLen > dstEnd - op) {
                throw new MalformedDataException("lz4 literal run of " + litLen + " bytes at input byte " + (ip - srcOff)
                        + " overruns the " + (srcEnd - ip < litLen ? "input" : "output"));
            }
            System.arraycopy(src, ip, dst, op, litLen);
            ip += litLen;
            op += litLen;
            if (ip == srcEnd) {
                break; // the last sequence has literals only
            }
            if (srcEnd - ip < 2) {
                throw new MalformedDataException("lz4 match offset cut off at input byte " + (ip - srcOff));
            }
            int offset = (src[ip] & 0xFF) | (src[ip + 1] & 0xFF) << 8;
            ip += 2;
            if (offset == 0 || offset > op - dstOff) {
                throw new MalformedDataException("lz4 match offset " + offset + " at input byte " + (ip - 2 - srcOff)
                        + " points before the start of the output (" + (op - dstOff) + " bytes written)");
            }
            int matchLen = token & ML_MASK;
            if (matchLen == ML_MASK) {
                long ext = readExtension(src, ip, srcEnd, srcOff);
                ip = (int) (ext >>> 32);
                matchLen += (int) ext;
            }
            matchLen += MIN_MATCH;
            if (matchLen > dstEnd - op) {
                throw new MalformedDataException("lz4 match of " + matchLen + " bytes at input byte " + (ip - srcOff)
                        + " overruns the output of " + dstLen + " bytes");
            }
            // An overlapping match repeats the last `offset` bytes: copy what is already written in chunks that
            // double each time (a chunk never overlaps its source), not byte by byte.
            int from = op - offset;
            int matchEnd = op + matchLen;
            while (op < matchEnd) {
                int n = Math.min(op - from, matchEnd - op);
                System.arraycopy(dst, from, dst, op, n);
                op += n;
            }
        }
        if (op != dstEnd) {
            throw new MalformedDataException("lz4 block decodes to " + (op - dstOff) + " bytes, not " + dstLen);
        }
    }

    /**
     * Reads an extension starting at {@code ip}: returns {@code (newIp << 32) | sum}. The sum is bounded
     * (an int overflow would need 8 MB of 255s, but a garbage block could hold them).
     */
    private static long readExtension(byte[] src, int ip, int srcEnd, int srcOff) {
        long sum = 0;
        int b;
        do {
            if (ip >= srcEnd) {
                throw new MalformedDataException("lz4 length extension runs past the end of the input");
            }
            b = src[ip++] & 0xFF;
            sum += b;
            if (sum > Integer.MAX_VALUE - 64) {
                throw new MalformedDataException("lz4 length extension too large at input byte " + (ip - srcOff));
            }
        } while (b == 255);
        return ((long) ip << 32) | sum;
    }

    private static int readIntLE(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static int hash(int seq) {
        return (seq * -1640531535) >>> (32 - HASH_LOG); // Knuth's multiplicative hash (2654435761)
    }
}
