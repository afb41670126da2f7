/**
 * Example: Avro keys and values without a schema registry (Sediment's single-object-encoding
 * serdes), two schema versions on one topic, Avro values in a Sediment store.
 */
package dev.sediment.examples.avro;
