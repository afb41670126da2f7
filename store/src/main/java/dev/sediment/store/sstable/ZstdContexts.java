package dev.sediment.store.sstable;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reused zstd contexts. zstd-jni's static calls create and free a native context on every call, which
 * for a 4 KiB block costs more than compressing it (and never shows in a Java profiler: it is native).
 * Contexts are taken from a pool and given back, so the pool holds as many as ever ran at once; a
 * context that failed is closed instead, in case it was left in a bad state. Thread-safe.
 */
final class ZstdContexts {
    private static final ConcurrentLinkedQueue<ZstdCompressCtx> COMPRESSORS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<ZstdDecompressCtx> DECOMPRESSORS = new ConcurrentLinkedQueue<>();

    private ZstdContexts() {
    }

    /** Compresses {@code src[srcOff, srcOff+srcLen)} into {@code dst} at {@code dstOff}; returns the length. */
    static int compress(byte[] dst, int dstOff, int dstCapacity, byte[] src, int srcOff, int srcLen, int level) {
        ZstdCompressCtx ctx = COMPRESSORS.poll();
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
        }
        boolean ok = false;
        try {
            ctx.setLevel(level);
            int n = ctx.compressByteArray(dst, dstOff, dstCapacity, src, srcOff, srcLen);
            ok = true;
            return n;
        } finally {
            release(ctx, ok, COMPRESSORS);
        }
    }

    /** Decompresses a whole frame into {@code dst}; returns the uncompressed length. */
    static int decompress(byte[] dst, int dstOff, int dstCapacity, byte[] src, int srcOff, int srcLen) {
        ZstdDecompressCtx ctx = DECOMPRESSORS.poll();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        boolean ok = false;
        try {
            int n = ctx.decompressByteArray(dst, dstOff, dstCapacity, src, srcOff, srcLen);
            ok = true;
            return n;
        } finally {
            release(ctx, ok, DECOMPRESSORS);
        }
    }

    /** Decompresses a whole frame at {@code src[srcOff, srcOff+srcLen)} (a direct buffer) into {@code dst}. */
    static int decompress(byte[] dst, int dstOff, int dstCapacity, ByteBuffer src, int srcOff, int srcLen) {
        ZstdDecompressCtx ctx = DECOMPRESSORS.poll();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        boolean ok = false;
        try {
            int n = ctx.decompressDirectByteBufferToByteArray(dst, dstOff, dstCapacity, src, srcOff, srcLen);
            ok = true;
            return n;
        } finally {
            release(ctx, ok, DECOMPRESSORS);
        }
    }

    private static <T extends AutoCloseable> void release(T ctx, boolean ok, ConcurrentLinkedQueue<T> pool) {
        if (ok) {
            pool.offer(ctx);
            return;
        }
        try {
            ctx.close();
        } catch (Exception ignored) {
            // a context we give up on anyway
        }
    }
}
