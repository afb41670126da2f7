package dev.sediment.store.manifest;

/** The revisions {@code [from, to]} (inclusive), for example a range rolled back after a crash. */
public record RevisionRange(long from, long to) {
    public RevisionRange {
        if (from > to) {
            throw new IllegalArgumentException("from " + from + " > to " + to);
        }
    }

    public boolean contains(long revision) {
        return revision >= from && revision <= to;
    }
}
