package dev.sediment.streams.internal;

import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.streams.CapturingStateStoreContext;
import dev.sediment.streams.SedimentConfig;

import java.io.File;
import java.util.Properties;

/**
 * A window or session store for a model test: on the in-memory file system (so a test can crash it with
 * {@link MemFileSystem#crashClone}), with 4 KiB memtables and no compression so a short run flushes and compacts
 * often.
 */
final class InMemorySegmentedStore {
    private InMemorySegmentedStore() {
    }

    /** Initializes {@code store} on {@code fs}; returns its context, which captured its restore callback. */
    static CapturingStateStoreContext init(SegmentedStateStore store, MemFileSystem fs) {
        Properties props = new Properties();
        props.put(SedimentConfig.MEMTABLE_BYTES, "4096");
        props.put(SedimentConfig.COMPRESSION, "none");
        CapturingStateStoreContext context = new CapturingStateStoreContext(new File("/model/state"), props);
        store.segmented().core.fileSystem(fs);
        store.init(context, store);
        return context;
    }
}
