package dev.sediment.store.sstable;

import dev.sediment.store.BlockCache;
import dev.sediment.store.fs.DiskFileSystem;
import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared fixtures: an internal-key model type, table writing and scanning. */
final class TestTables {
    private TestTables() {
    }

    /** An internal key for the model. */
    record Key(byte[] userKey, long trailer) {
        @Override
        public String toString() {
            return InternalKeys.toDebugString(userKey, trailer);
        }
    }

    static final Comparator<Key> ORDER = (a, b) -> InternalKeys.compare(a.userKey, a.trailer, b.userKey, b.trailer);

    static TreeMap<Key, byte[]> newModel() {
        return new TreeMap<>(ORDER);
    }

    static TableProperties write(Path path, TableOptions options, BlockCodec codec, TreeMap<Key, byte[]> model)
            throws IOException {
        TableWriter w = new TableWriter(path, DiskFileSystem.instance().create(path), options, codec);
        for (Map.Entry<Key, byte[]> e : model.entrySet()) {
            w.add(e.getKey().userKey, e.getKey().trailer, e.getValue());
        }
        return w.finish();
    }

    static TableReader open(Path path, BlockCache cache) throws IOException {
        return TableReader.open(path, DiskFileSystem.instance().openReadable(path), cache);
    }

    /** One scanned entry. */
    record Entry(Key key, byte[] value) {
    }

    static List<Entry> scanForward(InternalIterator it) {
        List<Entry> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            out.add(new Entry(new Key(it.userKey(), it.trailer()), it.value()));
        }
        return out;
    }

    static List<Entry> scanBackward(InternalIterator it) {
        List<Entry> out = new ArrayList<>();
        for (it.seekToLast(); it.valid(); it.prev()) {
            out.add(new Entry(new Key(it.userKey(), it.trailer()), it.value()));
        }
        return out;
    }

    static String describe(InternalIterator it) {
        return it.valid() ? InternalKeys.toDebugString(it.userKey(), it.trailer()) : "<invalid>";
    }
}
