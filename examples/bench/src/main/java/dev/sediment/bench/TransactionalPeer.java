package dev.sediment.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The stores of {@link TransactionalBench}, each with the KIP-892 flag it runs under. Sediment runs with
 * the flag and without {@code SedimentClientSupplier} (Kafka then commits its stores after every
 * transaction itself); RocksDB runs with the flag (a {@code WriteBatchWithIndex} of uncommitted writes
 * per store, in native memory) and, for reference, without it (Kafka 4.3's behaviour: a wipe after a crash).
 */
public enum TransactionalPeer {
    SEDIMENT(StoreKind.SEDIMENT, true, "sediment"),
    ROCKSDB_TRANSACTIONAL(StoreKind.ROCKSDB, true, "rocksdb-tx"),
    ROCKSDB(StoreKind.ROCKSDB, false, "rocksdb");

    private final StoreKind store;
    private final boolean transactional;
    private final String label;

    TransactionalPeer(StoreKind store, boolean transactional, String label) {
        this.store = store;
        this.transactional = transactional;
        this.label = label;
    }

    StoreKind store() {
        return store;
    }

    /** Runs with {@code enable.transactional.statestores=true}. */
    boolean transactional() {
        return transactional;
    }

    String label() {
        return label;
    }

    /** The column heading of the report. */
    String heading() {
        return switch (this) {
            case SEDIMENT -> "Sediment (flag on)";
            case ROCKSDB_TRANSACTIONAL -> "RocksDB (flag on)";
            case ROCKSDB -> "RocksDB (flag off)";
        };
    }

    static TransactionalPeer parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.label.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown peer: " + name + " (one of "
                        + String.join(",", Arrays.stream(values()).map(TransactionalPeer::label).toList()) + ")"));
    }
}
