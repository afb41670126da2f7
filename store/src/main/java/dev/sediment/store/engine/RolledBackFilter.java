package dev.sediment.store.engine;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.manifest.Version;

/**
 * Hides the entries of a table source whose revisions were rolled back after a crash (design §5
 * invariant 2), so reads see the older versions beneath them until compaction removes them.
 * Only SSTables need it: memtables hold only revisions written after the rollback.
 */
final class RolledBackFilter implements InternalIterator {
    private final InternalIterator in;
    private final Version version;

    RolledBackFilter(InternalIterator in, Version version) {
        this.in = in;
        this.version = version;
    }

    /** {@code in} itself when nothing is rolled back. */
    static InternalIterator wrap(InternalIterator in, Version version) {
        return version.rolledBack().isEmpty() ? in : new RolledBackFilter(in, version);
    }

    private boolean hidden() {
        return version.isRolledBack(InternalKeys.revision(in.trailer()));
    }

    private void skipForward() {
        while (in.valid() && hidden()) {
            in.next();
        }
    }

    private void skipBackward() {
        while (in.valid() && hidden()) {
            in.prev();
        }
    }

    @Override
    public boolean valid() {
        return in.valid();
    }

    @Override
    public void seekToFirst() {
        in.seekToFirst();
        skipForward();
    }

    @Override
    public void seekToLast() {
        in.seekToLast();
        skipBackward();
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        in.seek(userKey, trailer);
        skipForward();
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        in.seekForPrev(userKey, trailer);
        skipBackward();
    }

    @Override
    public void next() {
        in.next();
        skipForward();
    }

    @Override
    public void prev() {
        in.prev();
        skipBackward();
    }

    @Override
    public byte[] userKey() {
        return in.userKey();
    }

    @Override
    public long trailer() {
        return in.trailer();
    }

    @Override
    public byte[] value() {
        return in.value();
    }

    @Override
    public byte[] valueArray() {
        return in.valueArray();
    }

    @Override
    public int valueOffset() {
        return in.valueOffset();
    }

    @Override
    public int valueLength() {
        return in.valueLength();
    }

    @Override
    public void close() {
        in.close();
    }
}
