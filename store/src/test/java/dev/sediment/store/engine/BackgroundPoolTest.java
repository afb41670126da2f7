package dev.sediment.store.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Periodic jobs (each store's bounded-replay check) neither stop nor hold each other up. */
@Timeout(60)
class BackgroundPoolTest {
    @Test
    void aPeriodicJobThatThrowsRunsAgain() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        ScheduledFuture<?> job = BackgroundPool.every(() -> {
            third.countDown();
            if (runs.incrementAndGet() <= 2) {
                throw new IllegalStateException("injected failure of run " + runs.get());
            }
        }, 5);
        try {
            assertTrue(third.await(20, TimeUnit.SECONDS), "the job stopped after its failures; runs: " + runs.get());
        } finally {
            job.cancel(false);
        }
    }

    @Test
    void aBlockedPeriodicJobNeitherHoldsUpAnotherNorPilesUpRuns() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger blockedRuns = new AtomicInteger();
        ScheduledFuture<?> blocked = BackgroundPool.every(() -> {
            blockedRuns.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 5);
        CountDownLatch otherRuns = new CountDownLatch(5);
        ScheduledFuture<?> other = BackgroundPool.every(otherRuns::countDown, 5);
        try {
            assertTrue(otherRuns.await(20, TimeUnit.SECONDS), "a blocked job held up another");
            assertTrue(blockedRuns.get() == 1, "runs of the blocked job started while it was blocked: " + blockedRuns.get());
        } finally {
            release.countDown();
            blocked.cancel(false);
            other.cancel(false);
        }
    }
}
