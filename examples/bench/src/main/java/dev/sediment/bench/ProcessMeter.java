package dev.sediment.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's resource figures: peak and current RSS ({@code /proc/self/status}, so native memory such as
 * RocksDB's counts), bytes written to storage ({@code /proc/self/io}), peak heap in use (sampled every
 * 20 ms) and peak heap live after a collection (young collections included, so an upper bound) (GC notifications), and bytes on disk under a directory.
 *
 * <p>Thread safety: safe for use from several threads.
 */
final class ProcessMeter implements AutoCloseable {
    private final AtomicLong peakHeapUsed = new AtomicLong();
    private final AtomicLong peakHeapAfterGc = new AtomicLong();
    private final Thread sampler;
    private volatile boolean closed;

    ProcessMeter() {
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapPools.contains(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    peakHeapAfterGc.accumulateAndGet(after, Math::max);
                }, null, null);
            }
        }
        sampler = new Thread(() -> {
            while (!closed) {
                peakHeapUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    long peakHeapUsedBytes() {
        return peakHeapUsed.get();
    }

    long peakHeapAfterGcBytes() {
        return peakHeapAfterGc.get();
    }

    /** Peak resident set size of this process (VmHWM). */
    static long peakRssBytes() {
        return procField("/proc/self/status", "VmHWM:") * 1024;
    }

    static long rssBytes() {
        return procField("/proc/self/status", "VmRSS:") * 1024;
    }

    /** Bytes this process caused to be written to storage, or -1 if the kernel does not say. */
    static long writeBytes() {
        return procField("/proc/self/io", "write_bytes:");
    }

    private static long procField(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    String number = line.substring(field.length()).trim().split("\\s+")[0];
                    return Long.parseLong(number);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The bytes of the regular files under {@code dir}; files deleted meanwhile (compaction) are skipped. */
    static long diskBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(file -> {
                try {
                    return Files.isRegularFile(file) ? Files.size(file) : 0;
                } catch (NoSuchFileException e) {
                    return 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
    }
}
