package dev.sediment.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One bound on open SSTables shared by the table caches of many stores, so hundreds of stores do not
 * run out of file handles (each store alone keeps up to its own {@code maxOpenFiles}). When a cache
 * opens a table past the bound, the cache holding the most tables closes its least recently used one.
 * A table in use by a reader closes when released, so the bound is soft by the tables being read.
 *
 * <p>Thread-safety and locking: {@link #enforce} calls into other caches, so it must be called holding
 * no cache lock; {@link #opened} and {@link #closed} take no lock.
 */
public final class OpenTableBudget {
    /** A table cache sharing the bound. */
    public interface Member {
        int openTables();

        /** Closes the least recently used table; false if none is cached. */
        boolean evictLeastRecentlyUsed();
    }

    private final int maxOpenTables;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Member> members = ConcurrentHashMap.newKeySet();

    public OpenTableBudget(int maxOpenTables) {
        if (maxOpenTables < 1) {
            throw new IllegalArgumentException("maxOpenTables must be >= 1: " + maxOpenTables);
        }
        this.maxOpenTables = maxOpenTables;
    }

    public void register(Member m) {
        members.add(m);
    }

    public void unregister(Member m) {
        members.remove(m);
    }

    public void opened() {
        open.incrementAndGet();
    }

    public void closed() {
        open.decrementAndGet();
    }

    /** Evicts from the fullest caches until under the bound. REQUIRES: no cache lock held. */
    public void enforce() {
        while (open.get() > maxOpenTables) {
            Member fullest = null;
            int most = 0;
            for (Member m : members) {
                int n = m.openTables();
                if (n > most) {
                    fullest = m;
                    most = n;
                }
            }
            if (fullest == null || !fullest.evictLeastRecentlyUsed()) {
                return;
            }
        }
    }

    public int maxOpenTables() {
        return maxOpenTables;
    }

    /** Tables held by the caches now. */
    public int openTables() {
        return open.get();
    }
}
