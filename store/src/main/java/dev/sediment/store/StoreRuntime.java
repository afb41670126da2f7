package dev.sediment.store;


/**
 * Resources shared by many stores of one process (design §6): one block cache, one memtable budget and
 * one bound on open tables, so hundreds of stores live within one memory bound and one file-handle bound. Pass it with
 * {@link StoreOptions.Builder#runtime}; a store opened without one gets a cache of its own
 * ({@link StoreOptions#blockCacheSizeBytes()}) and no budget beyond its own memtable limits. Flushes
 * and compactions of every store already share one bounded JVM-wide pool.
 *
 * <p>Holds no threads or files, so there is nothing to close: it is released when no store uses it.
 * Thread-safe.
 */
public final class StoreRuntime {
    private final BlockCache blockCache;
    private final WriteBufferBudget writeBufferBudget;
    private final OpenTableBudget openTableBudget;

    /** A runtime with no bound on open tables beyond each store's own {@code maxOpenFiles}. */
    public StoreRuntime(long blockCacheBytes, long memtableBudgetBytes) {
        this(blockCacheBytes, memtableBudgetBytes, Integer.MAX_VALUE);
    }

    /**
     * @param blockCacheBytes     capacity of the shared block cache
     * @param memtableBudgetBytes memtable bytes of all stores together before writers stall and the largest
     *                            memtable is flushed
     * @param maxOpenTables       SSTables open across all stores (each store also keeps its own {@code maxOpenFiles})
     */
    public StoreRuntime(long blockCacheBytes, long memtableBudgetBytes, int maxOpenTables) {
        this.blockCache = new BlockCache(blockCacheBytes);
        this.writeBufferBudget = new WriteBufferBudget(memtableBudgetBytes);
        this.openTableBudget = new OpenTableBudget(maxOpenTables);
    }

    public OpenTableBudget openTableBudget() {
        return openTableBudget;
    }

    public BlockCache blockCache() {
        return blockCache;
    }

    public WriteBufferBudget writeBufferBudget() {
        return writeBufferBudget;
    }

    /** Bytes held now: memtables of every store plus the block cache. */
    public long usedBytes() {
        return writeBufferBudget.usedBytes() + blockCache.usedBytes();
    }

    @Override
    public String toString() {
        return "StoreRuntime[memtables " + writeBufferBudget.usedBytes() + "/" + writeBufferBudget.limitBytes()
                + " B in " + writeBufferBudget.members() + " stores, block cache " + blockCache.usedBytes() + "/"
                + blockCache.capacityBytes() + " B, open tables " + openTableBudget.openTables() + "/"
                + openTableBudget.maxOpenTables() + "]";
    }
}
