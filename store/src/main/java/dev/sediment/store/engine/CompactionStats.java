package dev.sediment.store.engine;

import dev.sediment.store.manifest.FileMetadata;
import dev.sediment.store.manifest.Version;

import java.util.Locale;

/**
 * Per-level compaction counters, printable as a table like RocksDB's "Compaction Stats". Bytes read
 * are charged to the output level (inputs from the start level and the output level), bytes written to
 * the output level; flushes count as writes into L0. Write amplification of a level = bytes written to
 * it / bytes read from the level above; the total = all bytes written / bytes flushed. Thread-safe.
 */
final class CompactionStats {
    private final long[] readFromAbove = new long[Version.NUM_LEVELS];
    private final long[] readFromLevel = new long[Version.NUM_LEVELS];
    private final long[] written = new long[Version.NUM_LEVELS];
    private final long[] compactions = new long[Version.NUM_LEVELS];
    private final long[] trivialMoves = new long[Version.NUM_LEVELS];
    private final long[] nanos = new long[Version.NUM_LEVELS];
    /** CPU time of the thread that ran each flush or compaction (its subcompactions' threads not counted). */
    private final long[] cpuNanos = new long[Version.NUM_LEVELS];

    synchronized void recordFlush(long bytes, long elapsedNanos, long cpu) {
        written[0] += bytes;
        compactions[0]++;
        nanos[0] += elapsedNanos;
        cpuNanos[0] += cpu;
    }

    synchronized void recordCompaction(int outputLevel, long startLevelBytes, long outputLevelBytes, long bytesWritten,
                                       long elapsedNanos, long cpu) {
        readFromAbove[outputLevel] += startLevelBytes;
        cpuNanos[outputLevel] += cpu;
        readFromLevel[outputLevel] += outputLevelBytes;
        written[outputLevel] += bytesWritten;
        compactions[outputLevel]++;
        nanos[outputLevel] += elapsedNanos;
    }

    /** Milliseconds spent in flushes since open. */
    synchronized long flushMillis() {
        return nanos[0] / 1_000_000;
    }

    /** Milliseconds spent in compactions (trivial moves excluded) since open. */
    synchronized long compactionMillis() {
        long n = 0;
        for (int l = 1; l < nanos.length; l++) {
            n += nanos[l];
        }
        return n / 1_000_000;
    }

    synchronized void recordTrivialMove(int outputLevel) {
        trivialMoves[outputLevel]++;
    }

    synchronized long flushedBytes() {
        return written[0];
    }

    synchronized long compactionBytesWritten() {
        long sum = 0;
        for (int l = 1; l < written.length; l++) {
            sum += written[l];
        }
        return sum;
    }

    synchronized long compactionBytesRead() {
        long sum = 0;
        for (int l = 1; l < written.length; l++) {
            sum += readFromAbove[l] + readFromLevel[l];
        }
        return sum;
    }

    synchronized long compactions() {
        long sum = 0;
        for (int l = 1; l < compactions.length; l++) {
            sum += compactions[l];
        }
        return sum;
    }

    /** Total bytes written to SSTables (flushes and compactions) / bytes flushed; 0 before any flush. */
    synchronized double writeAmplification() {
        return written[0] == 0 ? 0 : (double) (written[0] + compactionBytesWritten()) / written[0];
    }

    synchronized String table(Version v, double[] scores) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-5s %6s %10s %6s %10s %10s %10s %7s %7s %9s %8s %6s%n", "Level", "Files",
                "Size(MB)", "Score", "Rn(MB)", "Rnp1(MB)", "Write(MB)", "W-Amp", "Comp", "Comp(s)", "CPU(s)", "Moves"));
        long totalFiles = 0;
        long totalBytes = 0;
        for (int l = 0; l < Version.NUM_LEVELS; l++) {
            long bytes = 0;
            for (FileMetadata f : v.files(l)) {
                bytes += f.sizeBytes();
            }
            totalFiles += v.files(l).size();
            totalBytes += bytes;
            double wamp = l == 0 || readFromAbove[l] == 0 ? (l == 0 && written[0] > 0 ? 1.0 : 0)
                    : (double) written[l] / readFromAbove[l];
            sb.append(String.format(Locale.ROOT, "L%-4d %6d %10.1f %6.2f %10.1f %10.1f %10.1f %7.1f %7d %9.2f %8.2f %6d%n", l,
                    v.files(l).size(), mb(bytes), l < scores.length ? scores[l] : 0, mb(readFromAbove[l]),
                    mb(readFromLevel[l]), mb(written[l]), wamp, compactions[l], nanos[l] / 1e9, cpuNanos[l] / 1e9,
                    trivialMoves[l]));
        }
        sb.append(String.format(Locale.ROOT, "%-5s %6d %10.1f %6s %10.1f %10.1f %10.1f %7.1f%n", "Sum", totalFiles,
                mb(totalBytes), "", mb(sum(readFromAbove)), mb(sum(readFromLevel)), mb(sum(written)),
                writeAmplification()));
        return sb.toString();
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }
}
