/**
 * Leveled compaction: the policy (what to compact) and the pure mechanisms (what to keep, where to
 * cut), separated as in Pebble. Nothing here reads a clock, a file or a thread; the engine's
 * compaction job wires it together:
 * <ol>
 *   <li>Under its lock the engine builds a {@link dev.sediment.store.compaction.CompactionEnv} from the
 *       current version (files per level), the inputs and output ranges of running compactions and the
 *       marked files, and asks {@link dev.sediment.store.compaction.CompactionPicker#pick} (or
 *       {@code manual}) for a {@link dev.sediment.store.compaction.PickedCompaction}. It marks the inputs
 *       as compacting and records the output range before releasing the lock.</li>
 *   <li>A trivial move is a version edit only. Otherwise the job merges the inputs (optionally split by
 *       {@link dev.sediment.store.compaction.CompactionPicker#subcompactionBoundaries}), filters them
 *       through a {@link dev.sediment.store.compaction.CompactionIterator} built with the boundaries
 *       (open snapshots, recovery point, trim horizon), the rolled-back revision ranges and
 *       {@link dev.sediment.store.compaction.PickedCompaction#isBottommost()}, and cuts output files
 *       where an {@link dev.sediment.store.compaction.OutputSplitter} says so.</li>
 *   <li>The write path asks {@link dev.sediment.store.compaction.CompactionPicker#stall} whether to slow
 *       down or stop.</li>
 * </ol>
 */
package dev.sediment.store.compaction;
