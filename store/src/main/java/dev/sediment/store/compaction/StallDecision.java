package dev.sediment.store.compaction;

/**
 * What the write path should do about compaction debt: carry on, slow down, or stop, and why.
 *
 * @param kind   the action
 * @param reason a human-readable cause naming the measured value and its threshold; empty for NONE
 */
public record StallDecision(Kind kind, String reason) {
    public static final StallDecision NONE = new StallDecision(Kind.NONE, "");

    public enum Kind {
        NONE,
        SLOWDOWN,
        STOP
    }

    public StallDecision {
        if (kind == null || reason == null) {
            throw new NullPointerException("kind and reason are required");
        }
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "NONE" : kind + ": " + reason;
    }
}
