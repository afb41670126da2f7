package dev.sediment.store.engine;

import dev.sediment.store.WriteBufferBudget;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One store's share of a {@link WriteBufferBudget}: what it charged and not yet released, so that
 * closing the store gives back exactly its part even if a memtable never got flushed. Without a
 * runtime it is a no-op. Thread-safe.
 */
final class BudgetShare implements WriteBufferBudget.Member {
    private final WriteBufferBudget budget;
    private final LongSupplier activeBytes;
    /** Set by {@link #join}, before the budget can call it. */
    private Runnable freeze;
    private final AtomicLong chargedBytes = new AtomicLong();

    private BudgetShare(WriteBufferBudget budget, LongSupplier activeBytes) {
        this.budget = budget;
        this.activeBytes = activeBytes;
    }

    /** {@code budget} may be null: every method is then a no-op. Not a member until {@link #join}. */
    static BudgetShare of(WriteBufferBudget budget, LongSupplier activeBytes) {
        return new BudgetShare(budget, activeBytes);
    }

    /** Becomes a member: from now on the budget may call {@code freeze} from other threads. */
    void join(Runnable freeze) {
        this.freeze = freeze;
        if (budget != null) {
            budget.register(this);
        }
    }

    /** REQUIRES: no store lock held (see {@link WriteBufferBudget#awaitRoom}). */
    void awaitRoom() {
        if (budget != null) {
            budget.awaitRoom();
        }
    }

    void charge(long bytes) {
        if (budget != null && bytes > 0) {
            chargedBytes.addAndGet(bytes);
            budget.charge(bytes);
        }
    }

    void release(long bytes) {
        if (budget != null && bytes > 0) {
            chargedBytes.addAndGet(-bytes);
            budget.release(bytes);
        }
    }

    /** Leaves the budget, releasing whatever is still charged. */
    void leave() {
        if (budget != null) {
            budget.unregister(this);
            release(chargedBytes.get());
        }
    }

    @Override
    public long activeMemtableBytes() {
        return activeBytes.getAsLong();
    }

    @Override
    public void freezeActiveMemtable() {
        freeze.run();
    }
}
