package dev.sediment.streams;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

import java.util.Map;

/**
 * Sediment's settings, read from the Kafka Streams application's properties (the {@code StreamsConfig}
 * map) under the {@code sediment.} prefix. Defaults are sized for a small container running many stores.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #MEMORY_BYTES}</td><td>268435456 (256 MiB)</td><td>one JVM-wide bound for the memtables and the
 *     block cache of all Sediment stores together</td></tr>
 * <tr><td>{@value #BLOCK_CACHE_FRACTION}</td><td>0.5</td><td>share of the memory for the shared block cache; the rest
 *     bounds memtables (writers wait and the largest memtable is flushed when it is exceeded)</td></tr>
 * <tr><td>{@value #MEMTABLE_BYTES}</td><td>8388608 (8 MiB)</td><td>per store: a memtable is flushed to an SSTable at
 *     this size</td></tr>
 * <tr><td>{@value #RESTORE_RUN_BYTES}</td><td>33554432 (32 MiB)</td><td>per store: restored records are gathered into
 *     sorted runs of this size, each written straight to an SSTable (at most a quarter of the memtable budget);
 *     larger runs mean fewer tables for compaction to merge</td></tr>
 * <tr><td>{@value #MAX_OPEN_FILES}</td><td>1000</td><td>SSTables kept open by all Sediment stores of the JVM
 *     together (one table-cache bound; the fullest store closes its least recently used table)</td></tr>
 * <tr><td>{@value #COMPRESSION}</td><td>zstd</td><td>SSTable block compression below L0: zstd or none (L0 tables,
 *     soon rewritten by compaction, are written uncompressed)</td></tr>
 * <tr><td>{@value #TOMBSTONE_RETENTION_MS}</td><td>43200000 (12 h)</td><td>age guard: a recovery point older than this
 *     reports no offset, so Kafka Streams restores from scratch; keep it below the changelog's
 *     {@code delete.retention.ms} (24 h by default); 0 turns the guard off</td></tr>
 * <tr><td>{@value #MAX_REPLAY_AGE_MS}</td><td>30000 (30 s)</td><td>memtables are flushed once the oldest commit point not
 *     yet covered by SSTables is this old, bounding the changelog replayed after a crash</td></tr>
 * </table>
 *
 * <p>The memory and open-file keys are read by the first store opened in a JVM, which creates the shared runtime; stores
 * opened while it lives share it (a different setting then is logged and ignored). Per-store keys apply to
 * each store as it opens.
 */
public final class SedimentConfig extends AbstractConfig {
    public static final String PREFIX = "sediment.";
    public static final String MEMORY_BYTES = PREFIX + "memory.bytes";
    public static final String BLOCK_CACHE_FRACTION = PREFIX + "block.cache.fraction";
    public static final String MEMTABLE_BYTES = PREFIX + "memtable.bytes";
    public static final String RESTORE_RUN_BYTES = PREFIX + "restore.run.bytes";
    public static final String MAX_OPEN_FILES = PREFIX + "max.open.files";
    public static final String COMPRESSION = PREFIX + "compression";
    public static final String TOMBSTONE_RETENTION_MS = PREFIX + "tombstone.retention.ms";
    public static final String MAX_REPLAY_AGE_MS = PREFIX + "max.replay.age.ms";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(MEMORY_BYTES, Type.LONG, 256L << 20, Range.atLeast(1L << 20), Importance.HIGH,
                    "One JVM-wide bound in bytes for the memtables and the block cache of all Sediment stores.")
            .define(BLOCK_CACHE_FRACTION, Type.DOUBLE, 0.5, Range.between(0.0, 0.9), Importance.MEDIUM,
                    "Share of " + MEMORY_BYTES + " given to the shared block cache; the rest bounds memtables.")
            .define(MEMTABLE_BYTES, Type.LONG, 8L << 20, Range.atLeast(4096L), Importance.MEDIUM,
                    "Per store: a memtable is flushed to an SSTable once it holds this many bytes.")
            .define(RESTORE_RUN_BYTES, Type.LONG, 32L << 20, Range.atLeast(4096L), Importance.LOW,
                    "Per store: restored records are written to SSTables in sorted runs of this many bytes "
                            + "(at most a quarter of the memtable budget).")
            .define(MAX_OPEN_FILES, Type.INT, 1000, Range.atLeast(2), Importance.LOW,
                    "SSTables kept open by all Sediment stores of the JVM together.")
            .define(COMPRESSION, Type.STRING, "zstd", ValidString.in("zstd", "none"), Importance.LOW,
                    "SSTable block compression.")
            .define(TOMBSTONE_RETENTION_MS, Type.LONG, 12L * 3600 * 1000, Range.atLeast(0L), Importance.MEDIUM,
                    "Age guard: a recovery point older than this reports no committed offset (full restore).")
            .define(MAX_REPLAY_AGE_MS, Type.LONG, 30_000L, Range.atLeast(0L), Importance.LOW,
                    "Flush memtables once the oldest unflushed commit point is this old (bounds crash replay).");

    /** Reads the {@code sediment.} keys of {@code props}; other keys are ignored. */
    public SedimentConfig(Map<?, ?> props) {
        super(CONFIG, props, false); // not logged: one line per store instance would flood the log
    }

    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public long memoryBytes() {
        return getLong(MEMORY_BYTES);
    }

    public long blockCacheBytes() {
        return (long) (memoryBytes() * getDouble(BLOCK_CACHE_FRACTION));
    }

    public long memtableBudgetBytes() {
        return memoryBytes() - blockCacheBytes();
    }

    /**
     * The size of a restored run: the setting, capped at a quarter of the memtable budget, which holds the
     * run being gathered and the one being written.
     */
    public long restoreRunBytes() {
        return Math.max(4096L, Math.min(getLong(RESTORE_RUN_BYTES), memtableBudgetBytes() / 4));
    }
}
