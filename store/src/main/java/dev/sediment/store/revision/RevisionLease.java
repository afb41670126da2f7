package dev.sediment.store.revision;

/**
 * Revision assignment under a durable lease (design §5 invariant 3): the manifest records a reserved
 * revision before any revision up to it is handed out, so none is reused after a crash even if its write
 * was lost. One synced edit per {@value #LEASE} revisions. Not thread-safe: the engine's write lock
 * guards it.
 */
public final class RevisionLease {
    /** Revisions granted per manifest edit. */
    public static final long LEASE = 1 << 20;

    private long lastAssigned;
    private long reserved;

    /** Starts after {@code lastRevision}, the highest revision the manifest ever reserved. */
    public RevisionLease(long lastRevision) {
        this.lastAssigned = lastRevision;
        this.reserved = lastRevision;
    }

    public long lastAssigned() {
        return lastAssigned;
    }

    /**
     * The revision the manifest must record before the next {@code n} revisions can be handed out, or
     * -1 if the current lease covers them.
     */
    public long reservationFor(int n) {
        return lastAssigned + n <= reserved ? -1 : lastAssigned + n + LEASE;
    }

    /** Called once the manifest durably holds {@code reservation}. */
    public void reserved(long reservation) {
        reserved = reservation;
    }

    /** Hands out the next {@code n} revisions (covered by the lease); returns the first. */
    public long assign(int n) {
        if (lastAssigned + n > reserved) {
            throw new IllegalStateException("revisions " + (lastAssigned + 1) + ".." + (lastAssigned + n)
                    + " are not reserved (lease ends at " + reserved + ")");
        }
        long first = lastAssigned + 1;
        lastAssigned += n;
        return first;
    }
}
