package dev.sediment.streams;

import dev.sediment.store.Compression;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sediment's settings, read from the Kafka Streams application's properties (the {@code StreamsConfig}
 * map) under the {@code sediment.} prefix. Defaults are sized for a small container running many stores.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #MEMORY_BYTES}</td><td>a quarter of the heap ({@code Runtime.maxMemory()}), at most 256 MiB</td>
 *     <td>one JVM-wide bound for the memtables and the block cache of all Sediment stores together (open tables' index
 *     and filter blocks are pinned in the cache); both live on the Java heap, so a value above half of the heap is
 *     refused with a {@link ConfigException}. Give the JVM about four times the budget (the README's sizing), so the
 *     default budget follows {@code -Xmx}</td></tr>
 * <tr><td>{@value #BLOCK_CACHE_FRACTION}</td><td>0.5</td><td>share of the memory for the shared block cache; the rest
 *     bounds memtables (writers wait and the largest memtable is flushed when it is exceeded)</td></tr>
 * <tr><td>{@value #MEMTABLE_BYTES}</td><td>8388608 (8 MiB)</td><td>per store: a memtable is flushed to an SSTable at
 *     this size</td></tr>
 * <tr><td>{@value #RESTORE_RUN_BYTES}</td><td>33554432 (32 MiB)</td><td>per store: restored records are gathered into
 *     sorted runs of this size, each written straight to an SSTable (at most a quarter of the memtable budget);
 *     larger runs mean fewer tables for compaction to merge</td></tr>
 * <tr><td>{@value #MAX_OPEN_FILES}</td><td>1000</td><td>SSTables kept open by all Sediment stores of the JVM
 *     together (one table-cache bound; the fullest store closes its least recently used table)</td></tr>
 * <tr><td>{@value #COMPRESSION}</td><td>zstd</td><td>SSTable block compression below L0: {@code zstd} (native code
 *     through zstd-jni, which kafka-clients already brings), {@code lz4} (Sediment's own pure-Java LZ4) or {@code none}
 *     (L0 tables, soon rewritten by compaction, are written uncompressed)</td></tr>
 * <tr><td>{@value #MAX_VALUE_BYTES}</td><td>67108864 (64 MiB)</td><td>per store: the largest value accepted; a larger
 *     put fails</td></tr>
 * <tr><td>{@value #TOMBSTONE_RETENTION_MS}</td><td>43200000 (12 h)</td><td>age guard: a recovery point older than this
 *     reports no offset, so Kafka Streams restores from scratch; keep it below the changelog's
 *     {@code delete.retention.ms} (24 h by default); 0 turns the guard off</td></tr>
 * <tr><td>{@value #MAX_REPLAY_AGE_MS}</td><td>30000 (30 s)</td><td>memtables are flushed once the oldest commit point not
 *     yet covered by SSTables is this old, bounding the changelog replayed after a crash</td></tr>
 * </table>
 *
 * <p>A {@code sediment.} key that is none of these is logged once at WARN with the nearest known key (a typo
 * would otherwise be silently ignored).
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
    public static final String MAX_VALUE_BYTES = PREFIX + "max.value.bytes";

    /** The default memory budget's cap, and its share of the heap below that. */
    static final long DEFAULT_MEMORY_CAP_BYTES = 256L << 20;
    static final int DEFAULT_MEMORY_HEAP_DIVISOR = 4;
    /**
     * An explicit budget may take at most half of the heap: memtables and block cache are heap objects, and
     * Kafka Streams' record caches, buffers and the application need the rest.
     */
    static final double MAX_MEMORY_HEAP_SHARE = 0.5;

    private static final Logger log = LoggerFactory.getLogger(SedimentConfig.class);
    /** Unknown keys already warned about in this JVM: one WARN per key, not one per store instance. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(MEMORY_BYTES, Type.LONG, null, nullOrAtLeast(1L << 20), Importance.HIGH,
                    "One JVM-wide bound in bytes for the memtables and the block cache of all Sediment stores "
                            + "(on the heap). Default: a quarter of the heap, at most 256 MiB; at most half of the heap.")
            .define(BLOCK_CACHE_FRACTION, Type.DOUBLE, 0.5, Range.between(0.0, 0.9), Importance.MEDIUM,
                    "Share of " + MEMORY_BYTES + " given to the shared block cache; the rest bounds memtables.")
            .define(MEMTABLE_BYTES, Type.LONG, 8L << 20, Range.atLeast(4096L), Importance.MEDIUM,
                    "Per store: a memtable is flushed to an SSTable once it holds this many bytes.")
            .define(RESTORE_RUN_BYTES, Type.LONG, 32L << 20, Range.atLeast(4096L), Importance.LOW,
                    "Per store: restored records are written to SSTables in sorted runs of this many bytes "
                            + "(at most a quarter of the memtable budget).")
            .define(MAX_OPEN_FILES, Type.INT, 1000, Range.atLeast(2), Importance.LOW,
                    "SSTables kept open by all Sediment stores of the JVM together.")
            .define(COMPRESSION, Type.STRING, "zstd", ValidString.in("zstd", "lz4", "none"), Importance.LOW,
                    "SSTable block compression below L0: zstd (native, through zstd-jni), lz4 (pure Java) or none.")
            .define(MAX_VALUE_BYTES, Type.INT, 64 << 20, Range.between(1, Integer.MAX_VALUE - 64), Importance.LOW,
                    "Per store: the largest value accepted, in bytes.")
            .define(TOMBSTONE_RETENTION_MS, Type.LONG, 12L * 3600 * 1000, Range.atLeast(0L), Importance.MEDIUM,
                    "Age guard: a recovery point older than this reports no committed offset (full restore).")
            .define(MAX_REPLAY_AGE_MS, Type.LONG, 30_000L, Range.atLeast(0L), Importance.LOW,
                    "Flush memtables once the oldest unflushed commit point is this old (bounds crash replay).");

    private final long memoryBytes;

    /**
     * Reads the {@code sediment.} keys of {@code props}; other keys are ignored.
     *
     * @throws ConfigException if a value is invalid, or {@value #MEMORY_BYTES} exceeds half of the heap
     */
    public SedimentConfig(Map<?, ?> props) {
        this(props, Runtime.getRuntime().maxMemory());
    }

    /** As {@link #SedimentConfig(Map)} for a JVM whose heap is {@code maxHeapBytes}. */
    SedimentConfig(Map<?, ?> props, long maxHeapBytes) {
        super(CONFIG, props, false); // not logged: one line per store instance would flood the log
        warnUnknownKeys(props);
        Long explicit = getLong(MEMORY_BYTES);
        if (explicit == null) {
            memoryBytes = Math.max(1L << 20, Math.min(DEFAULT_MEMORY_CAP_BYTES, maxHeapBytes / DEFAULT_MEMORY_HEAP_DIVISOR));
        } else {
            long allowed = (long) (maxHeapBytes * MAX_MEMORY_HEAP_SHARE);
            if (maxHeapBytes != Long.MAX_VALUE && explicit > allowed) {
                throw new ConfigException(MEMORY_BYTES + "=" + explicit + " is more than half of the JVM heap ("
                        + maxHeapBytes + " bytes, -Xmx): Sediment's memtables and block cache live on the heap. Raise -Xmx"
                        + " to at least " + (long) Math.ceil(explicit / MAX_MEMORY_HEAP_SHARE) + " bytes, or lower "
                        + MEMORY_BYTES + " to at most " + allowed + " (or remove it: the default is a quarter of the heap,"
                        + " at most 256 MiB)");
            }
            memoryBytes = explicit;
        }
    }

    private static ConfigDef.Validator nullOrAtLeast(long min) {
        Range range = Range.atLeast(min);
        return (name, value) -> {
            if (value != null) {
                range.ensureValid(name, value);
            }
        };
    }

    private static void warnUnknownKeys(Map<?, ?> props) {
        Set<String> known = CONFIG.names();
        for (Object k : props.keySet()) {
            String key = String.valueOf(k);
            if (key.startsWith(PREFIX) && !known.contains(key) && WARNED.add(key)) {
                log.warn("unknown Sediment setting {} is ignored; did you mean {}?", key, nearestKnownKey(key));
            }
        }
    }

    /** The known key nearest to {@code key} by edit distance. */
    static String nearestKnownKey(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : new java.util.TreeSet<>(CONFIG.names())) {
            int d = editDistance(key, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** The memory budget: the setting, or by default a quarter of the heap capped at 256 MiB. */
    public long memoryBytes() {
        return memoryBytes;
    }

    public long blockCacheBytes() {
        return (long) (memoryBytes() * getDouble(BLOCK_CACHE_FRACTION));
    }

    public long memtableBudgetBytes() {
        return memoryBytes() - blockCacheBytes();
    }

    /** The SSTable block compression below L0. */
    public Compression compression() {
        return switch (getString(COMPRESSION)) {
            case "none" -> Compression.NONE;
            case "lz4" -> Compression.LZ4;
            default -> Compression.ZSTD;
        };
    }

    /**
     * The size of a restored run: the setting, capped at a quarter of the memtable budget, which holds the
     * run being gathered and the one being written.
     */
    public long restoreRunBytes() {
        return Math.max(4096L, Math.min(getLong(RESTORE_RUN_BYTES), memtableBudgetBytes() / 4));
    }
}
