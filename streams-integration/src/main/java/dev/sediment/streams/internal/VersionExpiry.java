package dev.sediment.streams.internal;

import dev.sediment.store.CompactionFilter;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The versioned store's {@link CompactionFilter}: drops versions no read can see any more. A version ends
 * where the next newer one begins, so compaction, which sees a key's versions newest first, drops an older
 * version once the newer version it saw before it begins in a time segment older than the cutoff's
 * ({@code validFrom / segmentInterval < cutoff / segmentInterval}): its {@code validTo} is at most that, so
 * no as-of read within history retention and no multi-version query (which lists versions while Kafka's
 * store would still hold their segment) can reach it. A key's newest version in a compaction is always kept
 * (a newer one may lie in another file, and the latest version never expires), so what survives still ends
 * before the cutoff whatever other files hold. Newest tombstones are kept too: older versions of their key
 * may lie in files this compaction does not see.
 *
 * <p>The cutoff is the stream time minus history retention at the commit point a crash would reopen at (the
 * durable recovery point), not the running one nor the last commit's: a version written after that point may
 * be rolled back by a crash, and it begins at or after that point's cutoff, so no version expires through it.
 */
final class VersionExpiry implements CompactionFilter {
    private final LongSupplier cutoff;
    private final long segmentIntervalMs;

    VersionExpiry(LongSupplier cutoff, long segmentIntervalMs) {
        this.cutoff = cutoff;
        this.segmentIntervalMs = segmentIntervalMs;
    }

    @Override
    public Run start() {
        long liveSegment = cutoff.getAsLong() / segmentIntervalMs;
        return new Run() {
            private byte[] key; // the engine key of the previous version seen; its prefix is the versioned key
            private long newerValidFrom;

            @Override
            public boolean drop(byte[] engineKey, byte[] value) {
                if (!VersionKeys.isVersionKey(engineKey)) {
                    return false;
                }
                long validFrom = VersionKeys.validFrom(engineKey);
                boolean sameKey = key != null && key.length == engineKey.length
                        && Arrays.equals(key, 0, key.length - 8, engineKey, 0, engineKey.length - 8);
                boolean drop = sameKey && newerValidFrom / segmentIntervalMs < liveSegment;
                key = engineKey;
                newerValidFrom = validFrom;
                return drop;
            }
        };
    }
}
