package dev.sediment.jmh;

import dev.sediment.store.BlockCache;
import dev.sediment.store.Compression;
import dev.sediment.store.fs.FileSystem;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;
import dev.sediment.store.sstable.TableOptions;
import dev.sediment.store.sstable.TableReader;
import dev.sediment.store.sstable.TableWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongFunction;

/** One table of the given keys (sorted here, revisions 1..n) in a file system (in memory or on disk), opened for reading. */
final class BenchTables {
    private BenchTables() {
    }

    /** Default table options but {@code compression}; {@code value} gives each key's value by its revision. */
    static TableReader write(FileSystem fs, Path path, byte[][] keys, Compression compression,
                             LongFunction<byte[]> value, BlockCache cache) throws IOException {
        byte[][] sorted = keys.clone();
        Arrays.sort(sorted, Arrays::compareUnsigned);
        fs.createDirectories(path.getParent());
        TableOptions defaults = TableOptions.defaults();
        TableOptions options = new TableOptions(defaults.blockSizeBytes(), defaults.restartInterval(),
                defaults.bloomBitsPerKey(), compression, defaults.zstdLevel());
        TableWriter w = new TableWriter(path, fs.create(path), options);
        long rev = 0;
        for (byte[] k : sorted) {
            rev++;
            w.add(k, InternalKeys.trailer(rev, KeyKind.PUT), value.apply(rev));
        }
        w.finish();
        return TableReader.open(path, fs.openReadable(path), cache);
    }
}
