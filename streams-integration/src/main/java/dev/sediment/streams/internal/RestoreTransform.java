package dev.sediment.streams.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Collection;

/**
 * Turns a batch of changelog records into the engine records a store restores: the identity for the
 * key-value store, an encoding into versions for the versioned store. The last record of the result
 * must carry the batch's last offset (the restore buffer records commit points at it).
 */
@FunctionalInterface
interface RestoreTransform {
    RestoreTransform IDENTITY = records -> records;

    Collection<ConsumerRecord<byte[], byte[]>> apply(Collection<ConsumerRecord<byte[], byte[]>> records);
}
