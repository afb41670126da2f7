/**
 * The main demo: a customer table, an order stream joined to it, revenue per customer and per
 * region in Sediment stores under exactly-once, read back with interactive queries (IQv2).
 */
package dev.sediment.examples.orders;
