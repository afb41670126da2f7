package dev.sediment.examples.e2e;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;

/**
 * Closes an instance so that it also leaves its consumer group. A plain {@code close()} does not
 * (Kafka Streams expects the instance back soon), and the next member would wait for the session
 * timeout, 45 s, before it gets the partitions.
 */
final class GroupExit {
    private GroupExit() {}

    static void leaveAndClose(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
