/**
 * A real Kafka broker for the examples and the end-to-end tests, started from Kafka's own {@code
 * kafka_2.13} artifact in a child JVM: no Docker, no installed Kafka, the same broker code as in
 * production. An example uses it when it is given no {@code bootstrap.servers}.
 */
package dev.sediment.examples.broker;
