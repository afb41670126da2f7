package dev.sediment.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactionOptionsTest {
    private static final long MIB = 1L << 20;

    @Test
    void defaults() {
        CompactionOptions o = CompactionOptions.defaults();
        assertEquals(4, o.l0CompactionTrigger());
        assertEquals(20, o.l0SlowdownTrigger());
        assertEquals(36, o.l0StopTrigger());
        assertEquals(64 * MIB, o.baseLevelTargetBytes());
        assertEquals(10, o.levelSizeMultiplier());
        assertTrue(o.dynamicLevelBytes());
        assertEquals(64 * MIB, o.targetFileSizeBytes());
        assertEquals(25 * 64 * MIB, o.maxCompactionBytes());
        assertEquals(10 * 64 * MIB, o.maxGrandparentOverlapBytes());
        assertEquals(16L << 30, o.softPendingCompactionBytes());
        assertEquals(64L << 30, o.hardPendingCompactionBytes());
        assertEquals(1, o.maxSubcompactions());
    }

    @Test
    void derivedLimitsFollowTheTargetFileSizeUnlessSet() {
        CompactionOptions o = CompactionOptions.builder().targetFileSizeBytes(100).build();
        assertEquals(2500, o.maxCompactionBytes());
        assertEquals(1000, o.maxGrandparentOverlapBytes());
        CompactionOptions explicit = o.toBuilder().maxCompactionBytes(7).maxGrandparentOverlapBytes(3).build();
        assertEquals(7, explicit.maxCompactionBytes());
        assertEquals(3, explicit.maxGrandparentOverlapBytes());
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().l0CompactionTrigger(0).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().l0SlowdownTrigger(3).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().l0StopTrigger(19).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().levelSizeMultiplier(1).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().baseLevelTargetBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().targetFileSizeBytes(-1).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().maxCompactionBytes(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> CompactionOptions.builder().softPendingCompactionBytes(10).hardPendingCompactionBytes(9).build());
        assertThrows(IllegalArgumentException.class, () -> CompactionOptions.builder().maxSubcompactions(0).build());
    }
}
