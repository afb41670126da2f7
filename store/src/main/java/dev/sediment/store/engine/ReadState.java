package dev.sediment.store.engine;

import dev.sediment.store.manifest.Version;
import dev.sediment.store.memtable.MemTable;

import java.util.List;

/**
 * Everything a read needs, swapped atomically by the engine: the active memtable, the frozen ones
 * (newest first) and the current version. A reader takes the snapshot revision first and the read
 * state second, so every write at or below its revision is in one of these sources (memtables only
 * move to SSTables, never vanish, and the swap that moves them is atomic).
 */
record ReadState(MemTable active, List<MemTable> immutables, Version version) {
    ReadState {
        immutables = List.copyOf(immutables);
    }
}
