/**
 * The Kafka Streams store on the Sediment engine; not API (use {@link dev.sediment.streams.SedimentStores}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Offsets and data move together: {@code commit(offsets)} records an engine commit point with the
 *       offsets (named {@code TopicPartition.toString()}) and the IQ position; every reopen, clean or after a
 *       crash, comes back at the newest durable commit point, so {@code committedOffset} never describes
 *       writes the store does not hold, nor misses writes it does.</li>
 *   <li>Every store of the JVM holds one reference to the {@link dev.sediment.streams.internal.SharedRuntime}
 *       between a successful open and its close; the runtime goes away with the last reference.</li>
 *   <li>The store never wraps itself in metering, caching or logging: Kafka's builders add those layers.</li>
 * </ul>
 */
package dev.sediment.streams.internal;
