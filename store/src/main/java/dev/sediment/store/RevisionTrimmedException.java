package dev.sediment.store;

/**
 * A read at a revision whose superseded versions may already be gone: below the trim horizon, or any
 * past revision when no history is retained (see {@link RevisionOptions}). Like etcd's
 * {@code ErrCompacted}: read at a newer revision, or keep more history.
 */
public class RevisionTrimmedException extends StoreException {
    private final long revision;
    private final long trimHorizon;

    public RevisionTrimmedException(long revision, long trimHorizon, String message) {
        super(message);
        this.revision = revision;
        this.trimHorizon = trimHorizon;
    }

    /** The revision that was asked for. */
    public long revision() {
        return revision;
    }

    /** The lowest revision readable when the read was refused. */
    public long trimHorizon() {
        return trimHorizon;
    }
}
