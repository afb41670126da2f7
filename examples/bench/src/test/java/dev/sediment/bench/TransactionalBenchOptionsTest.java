package dev.sediment.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Kafka 4.4 transactional mode's command line; the benchmark itself never runs in the test suite. */
class TransactionalBenchOptionsTest {
    @Test
    void defaultsCompareAllPeersAt64MbAnd1GbTransactions() {
        TransactionalBenchOptions options = TransactionalBenchOptions.parse(TransactionalBenchOptions.FLAG);
        assertEquals(1_500_000, options.records());
        assertEquals(1000, options.valueBytes());
        assertEquals(List.of(64L << 20, 1L << 30), options.transactionBytes());
        assertEquals(List.of(TransactionalPeer.SEDIMENT, TransactionalPeer.ROCKSDB_TRANSACTIONAL, TransactionalPeer.ROCKSDB),
                options.peers());
        assertEquals(0.5, options.killFraction());
        assertEquals("1g", options.childHeap());
        assertEquals(1024, options.recordStoreBytes());
    }

    @Test
    void parsesSizesPeersAndTheFlagAnywhere() {
        TransactionalBenchOptions options = TransactionalBenchOptions.parse("--records", "600K", "--kafka44-transactional",
                "--transactions=256MB,1.5GB,4096", "--peers", "rocksdb-tx,sediment", "--value-bytes", "2000",
                "--kill-fraction", "0.25", "--child-heap", "2g");
        assertEquals(600_000, options.records());
        assertEquals(List.of(256L << 20, 3L << 29, 4096L), options.transactionBytes());
        assertEquals(List.of(TransactionalPeer.ROCKSDB_TRANSACTIONAL, TransactionalPeer.SEDIMENT), options.peers());
        assertEquals(0.25, options.killFraction());
        assertEquals("2g", options.childHeap());
        assertEquals("64 MB", TransactionalBenchOptions.label(64L << 20));
        assertEquals("1 GB", TransactionalBenchOptions.label(1L << 30));
    }

    @Test
    void rejectsWhatItCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> TransactionalBenchOptions.parse("--peers", "in-memory"));
        assertThrows(IllegalArgumentException.class, () -> TransactionalBenchOptions.parse("--transactions", "0MB"));
        assertThrows(IllegalArgumentException.class, () -> TransactionalBenchOptions.parse("--kill-fraction", "1"));
        assertThrows(IllegalArgumentException.class, () -> TransactionalBenchOptions.parse("--keys", "5"));
        assertThrows(IllegalArgumentException.class, () -> TransactionalBenchOptions.parse("--records"));
    }

    @Test
    void needsKafka44OrLater() {
        assertTrue(TransactionalBench.atLeast44("4.4.0"));
        assertTrue(TransactionalBench.atLeast44("4.10.1"));
        assertTrue(TransactionalBench.atLeast44("5.0.0"));
        assertFalse(TransactionalBench.atLeast44("4.3.1"));
        assertFalse(TransactionalBench.atLeast44("unknown"));
    }
}
