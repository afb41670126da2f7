package dev.sediment.store.fs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The real file system, through {@link FileChannel}: positional reads, fsync, directory fsync. */
public final class DiskFileSystem implements FileSystem {
    private static final DiskFileSystem INSTANCE = new DiskFileSystem();

    /** Lock files held by this JVM: FileChannel locks are per process, so a second open in the same JVM must be caught here. */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();

    private DiskFileSystem() {
    }

    public static DiskFileSystem instance() {
        return INSTANCE;
    }

    @Override
    public WritableFile create(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        return new DiskWritableFile(ch);
    }

    @Override
    public ReadableFile openReadable(Path file) throws IOException {
        return new DiskReadableFile(file, FileChannel.open(file, StandardOpenOption.READ));
    }

    @Override
    public boolean exists(Path file) {
        return Files.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // Linux allows fsync on a directory opened read-only; some platforms refuse, and there the
        // rename itself is the best we can do.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }

    @Override
    public FileLock lock(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        if (!HELD_LOCKS.add(key)) {
            throw new IOException("store is already open in this process: lock held on " + key);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("store is already open in another process: lock held on " + key);
            }
            FileChannel channel = ch;
            java.nio.channels.FileLock held = lock;
            return new FileLock() {
                private boolean closed;

                @Override
                public synchronized void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        held.release();
                        channel.close();
                    } finally {
                        HELD_LOCKS.remove(key);
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            HELD_LOCKS.remove(key);
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    private static final class DiskWritableFile implements WritableFile {
        private final FileChannel ch;
        private long size;
        private boolean closed;

        DiskWritableFile(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void append(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            size += len;
        }

        @Override
        public void sync() throws IOException {
            ch.force(false);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                ch.close();
            }
        }
    }

    private static final class DiskReadableFile implements ReadableFile {
        private final Path path;
        private final FileChannel ch;

        DiskReadableFile(Path path, FileChannel ch) {
            this.path = path;
            this.ch = ch;
        }

        @Override
        public void readFully(long position, byte[] dst, int off, int len) throws IOException {
            readFully(position, ByteBuffer.wrap(dst, off, len));
        }

        /** A direct {@code dst} is read into by {@code pread} itself: no temporary buffer, no copy. */
        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            int len = dst.remaining();
            long pos = position;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw new EOFException(path + ": read of " + len + " bytes at " + position + " past end of file");
                }
                pos += n;
            }
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
