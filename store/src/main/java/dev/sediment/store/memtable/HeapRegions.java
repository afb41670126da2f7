package dev.sediment.store.memtable;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Sizes arena chunks to G1's heap regions. G1 allocates an array of half a region or more as "humongous":
 * in whole regions of its own, the rest of the last one left empty. A chunk of exactly 1 MiB is one byte
 * array header over a region, so it takes two 1 MiB regions (measured: 2,098,063 bytes of heap per 1 MiB
 * chunk at -Xmx392m, and also at -Xmx4g with 2 MiB regions), and the memtable budget would hold half of
 * what it counts. A chunk of half a region or more is therefore sized to fill whole regions, header
 * included; a smaller one is an ordinary object. Other collectors (or no way to ask) leave sizes as asked.
 */
final class HeapRegions {
    /** Room for an array's header (16 bytes with compressed class pointers, 24 without), rounded up. */
    static final int HEADER_SLACK = 64;
    /** G1's region size, or 0 when the collector is not G1 or the JVM does not say. */
    static final long REGION_BYTES = regionBytes();

    private HeapRegions() {
    }

    /**
     * Bytes for a chunk of about {@code wanted} bytes that wastes no region: {@code wanted} itself when
     * it is an ordinary object, else the nearest whole number of regions (at least one) less the header.
     */
    static int chunkBytes(int wanted) {
        return chunkBytes(wanted, REGION_BYTES);
    }

    static int chunkBytes(int wanted, long region) {
        if (region <= 0 || wanted + HEADER_SLACK < region / 2) {
            return wanted;
        }
        long regions = Math.max(1, Math.round((double) wanted / region));
        return (int) Math.min(Integer.MAX_VALUE - HEADER_SLACK, regions * region - HEADER_SLACK);
    }

    /**
     * The size after {@code current} when chunks double up to {@code max} (already {@link #chunkBytes}):
     * a doubled size that would be humongous goes straight to {@code max}, so no chunk half-fills a region.
     */
    static int grow(int current, int max) {
        return grow(current, max, REGION_BYTES);
    }

    static int grow(int current, int max, long region) {
        long doubled = Math.min(max, 2L * current);
        if (region > 0 && doubled + HEADER_SLACK >= region / 2) {
            return max;
        }
        return (int) doubled;
    }

    private static long regionBytes() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null || !Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0; // no jdk.management module, or an option this JVM does not have
        }
    }
}
