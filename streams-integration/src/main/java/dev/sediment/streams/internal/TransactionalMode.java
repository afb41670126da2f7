package dev.sediment.streams.internal;

import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;

/**
 * KIP-892's transactional state stores, as the application configured them. Kafka never asks a store
 * whether it is transactional: with {@code enable.transactional.statestores} on (Kafka Streams 4.4+) it
 * commits stores every commit interval, stops wiping them after a dirty close under exactly-once, and
 * restores a store without offsets on top of its files. So a store reads the flag itself, by name: the key
 * does not exist in 4.3's {@code StreamsConfig}, where it is never set and the mode is off.
 *
 * @param enabled     the flag
 * @param exactlyOnce the processing guarantee is exactly-once
 */
record TransactionalMode(boolean enabled, boolean exactlyOnce) {
    /** {@code StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG} in Kafka Streams 4.4. */
    static final String CONFIG = "enable.transactional.statestores";

    static final TransactionalMode OFF = new TransactionalMode(false, false);

    /** Read as Kafka's {@code TopologyConfig} reads it: the original value's text, "false" when absent. */
    static TransactionalMode of(Map<String, Object> appConfigs) {
        Object flag = appConfigs.get(CONFIG);
        boolean enabled = flag != null && Boolean.parseBoolean(flag.toString().trim());
        Object guarantee = appConfigs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        boolean eos = guarantee != null && StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee.toString().trim());
        return new TransactionalMode(enabled, eos);
    }

    /**
     * Data with no commit point cannot be told apart from writes of aborted transactions, which Kafka no
     * longer wipes for us under exactly-once: such a store must open empty and be restored.
     */
    boolean wipesUncommittedData() {
        return enabled && exactlyOnce;
    }
}
