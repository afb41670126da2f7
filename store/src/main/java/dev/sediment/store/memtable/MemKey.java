package dev.sediment.store.memtable;

import dev.sediment.store.key.InternalKeys;

/** A memtable key: user key and trailer, in internal-key order. */
record MemKey(byte[] userKey, long trailer) implements Comparable<MemKey> {
    @Override
    public int compareTo(MemKey o) {
        return InternalKeys.compare(userKey, trailer, o.userKey, o.trailer);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemKey && compareTo((MemKey) o) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(userKey) * 31 + Long.hashCode(trailer);
    }
}
