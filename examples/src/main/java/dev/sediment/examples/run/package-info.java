/**
 * What every example shares: its options (system properties or environment), the Kafka it runs on
 * (given, or an embedded broker), a bounded run of Kafka Streams, quiet console logging.
 */
package dev.sediment.examples.run;
