package dev.sediment.store.memtable;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HeapRegionsTest {
    private static final int MIB = 1 << 20;

    @Test
    void aChunkOfHalfARegionOrMoreFillsWholeRegionsHeaderIncluded() {
        assertEquals(MIB - HeapRegions.HEADER_SLACK, HeapRegions.chunkBytes(MIB, MIB));
        assertEquals(2 * MIB - HeapRegions.HEADER_SLACK, HeapRegions.chunkBytes(MIB, 2 * MIB));
        assertEquals(MIB - HeapRegions.HEADER_SLACK, HeapRegions.chunkBytes(MIB / 2, MIB), "512 KiB is humongous too");
        assertEquals(2 * MIB - HeapRegions.HEADER_SLACK, HeapRegions.chunkBytes(2 * MIB, MIB));
        assertEquals(256 << 10, HeapRegions.chunkBytes(256 << 10, MIB), "an ordinary object stays as asked");
        assertEquals(MIB, HeapRegions.chunkBytes(MIB, 4 * MIB), "a quarter of a 4 MiB region is ordinary");
        assertEquals(MIB, HeapRegions.chunkBytes(MIB, 0), "not G1: as asked");
    }

    @Test
    void growthSkipsSizesThatWouldHalfFillARegion() {
        int max = HeapRegions.chunkBytes(MIB, MIB);
        assertEquals(256 << 10, HeapRegions.grow(128 << 10, max, MIB));
        assertEquals(max, HeapRegions.grow(256 << 10, max, MIB), "512 KiB would take a whole region");
        assertEquals(max, HeapRegions.grow(max, max, MIB));
        assertEquals(512 << 10, HeapRegions.grow(256 << 10, MIB, 0), "not G1: plain doubling");
    }

    /**
     * What the sizing is for, measured on this JVM's heap: chunks cost their own size, not twice it. The best
     * of three tries, so a background thread of an earlier test allocating meanwhile cannot fail it; the old
     * sizing cost twice the bytes in every try.
     */
    @Test
    void chunksCostTheirSizeOnTheHeap() {
        assumeTrue(HeapRegions.REGION_BYTES > 0, "not running on G1");
        int chunk = HeapRegions.chunkBytes((int) HeapRegions.REGION_BYTES);
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            best = Math.min(best, heapPerChunk(chunk));
        }
        assertTrue(best < chunk * 1.25, "a chunk of " + chunk + " bytes takes " + best
                + " bytes of heap (region " + HeapRegions.REGION_BYTES + ")");
    }

    private static long heapPerChunk(int chunk) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            chunks.add(new byte[chunk]);
        }
        System.gc();
        long perChunk = (memory.getHeapMemoryUsage().getUsed() - before) / chunks.size();
        assertEquals(32, chunks.size()); // keeps the chunks reachable through the measurement
        return perChunk;
    }
}
