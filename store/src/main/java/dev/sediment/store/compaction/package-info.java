/**
 * Leveled compaction: the policy (what to compact) and the pure mechanisms (what to keep, where to
 * cut), separated as in Pebble. Nothing here reads a clock, a file or a thread; the engine's
 * compaction job wires it together:
 * <ol>
 *   <li>Under its state lock the engine builds a {@link dev.sediment.store.compaction.CompactionEnv} from
 *       the current version (files per level), the running compactions (their inputs, and the key range
 *       each writes into its output level), the marked files and the options in force, and asks
 *       {@link dev.sediment.store.compaction.CompactionPicker#pick} (or {@code manual}) for a
 *       {@link dev.sediment.store.compaction.PickedCompaction}, which it registers as running in the same
 *       lock block. A store runs two compactions at once while it is urgent
 *       ({@link dev.sediment.store.compaction.CompactionPacing#urgent}), one otherwise: the second pick sees
 *       the first as running, and the picker skips its busy files and overlapping output range (and any L0
 *       pick while an L0 file is compacting).</li>
 *   <li>A trivial move is a version edit only. Otherwise the job merges the inputs (optionally split by
 *       {@link dev.sediment.store.compaction.CompactionPicker#subcompactionBoundaries}), filters them
 *       through a {@link dev.sediment.store.compaction.CompactionIterator} built with the boundaries
 *       (open snapshots, recovery point, trim horizon, history horizon), the rolled-back revision ranges
 *       and {@link dev.sediment.store.compaction.PickedCompaction#isBottommost()}, and cuts output files
 *       where an {@link dev.sediment.store.compaction.OutputSplitter} says so.</li>
 *   <li>The write path asks {@link dev.sediment.store.compaction.CompactionPicker#stall} whether to slow
 *       down or stop.</li>
 *   <li>Before each background pick the engine asks {@link dev.sediment.store.compaction.CompactionPacing}
 *       whether this store's compaction is urgent, which decides how many of the shared background
 *       threads compactions of all stores may hold at once.</li>
 * </ol>
 */
package dev.sediment.store.compaction;
