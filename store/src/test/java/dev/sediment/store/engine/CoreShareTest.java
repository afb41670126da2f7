package dev.sediment.store.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A compaction that may wait gives the core to a running flush on a small machine, and only then. */
@Timeout(30)
class CoreShareTest {
    @Test
    void aCompactionWaitsWhileAFlushRunsUntilItEnds() throws Exception {
        CoreShare share = new CoreShare(true);
        share.compactionYield(() -> true); // no flush: returns at once
        share.flushStarted();
        CompletableFuture<Void> compaction = CompletableFuture.runAsync(() -> share.compactionYield(() -> true));
        assertFalse(finishesWithin(compaction, 200), "the compaction went on beside the flush");
        share.flushEnded();
        assertTrue(finishesWithin(compaction, 10_000), "the compaction still waits after the flush ended");
    }

    @Test
    void aCompactionThatTurnsUrgentStopsWaiting() throws Exception {
        CoreShare share = new CoreShare(true);
        AtomicBoolean urgent = new AtomicBoolean();
        share.flushStarted();
        CompletableFuture<Void> compaction = CompletableFuture.runAsync(() -> share.compactionYield(() -> !urgent.get()));
        assertFalse(finishesWithin(compaction, 200));
        urgent.set(true); // e.g. the flush's table made L0 deep enough
        assertTrue(finishesWithin(compaction, 10_000), "an urgent compaction waited for the flush");
        share.flushEnded();
    }

    @Test
    void onALargerMachineNothingWaits() {
        CoreShare share = new CoreShare(false);
        share.flushStarted();
        share.compactionYield(() -> true); // returns: cores enough for a flush, a compaction and the foreground
        share.flushEnded();
        assertThrows(IllegalStateException.class, share::flushEnded, "an end without a start is a bug");
    }

    private static boolean finishesWithin(CompletableFuture<Void> f, long millis) throws Exception {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
