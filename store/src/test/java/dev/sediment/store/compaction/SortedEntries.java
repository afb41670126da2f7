package dev.sediment.store.compaction;

import dev.sediment.store.iterator.InternalIterator;
import dev.sediment.store.key.InternalKeys;
import dev.sediment.store.key.KeyKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** An {@link InternalIterator} over an in-memory list of entries, sorted on construction. For tests. */
final class SortedEntries implements InternalIterator {
    /** One internal entry. */
    record Entry(byte[] userKey, long trailer, byte[] value) {
        long revision() {
            return InternalKeys.revision(trailer);
        }

        boolean isDelete() {
            return InternalKeys.isDelete(trailer);
        }

        static Entry put(String key, long revision, String value) {
            return new Entry(bytes(key), InternalKeys.trailer(revision, KeyKind.PUT), bytes(value));
        }

        static Entry delete(String key, long revision) {
            return new Entry(bytes(key), InternalKeys.trailer(revision, KeyKind.DELETE), new byte[0]);
        }

        /** Parses {@code key#revision,KIND[=value]}. */
        static Entry parse(String text) {
            int hash = text.indexOf('#');
            int comma = text.indexOf(',', hash);
            int eq = text.indexOf('=', comma);
            String key = text.substring(0, hash);
            long revision = Long.parseLong(text.substring(hash + 1, comma));
            String kind = eq < 0 ? text.substring(comma + 1) : text.substring(comma + 1, eq);
            String value = eq < 0 ? "" : text.substring(eq + 1);
            return switch (kind) {
                case "PUT" -> put(key, revision, value);
                case "DEL", "DELETE" -> delete(key, revision);
                default -> throw new IllegalArgumentException("unknown kind " + kind + " in " + text);
            };
        }

        @Override
        public String toString() {
            String s = InternalKeys.toDebugString(userKey, trailer);
            return value.length == 0 ? s : s + "=" + new String(value, StandardCharsets.UTF_8);
        }
    }

    static final Comparator<Entry> ORDER = (a, b) -> InternalKeys.compare(a.userKey, a.trailer, b.userKey, b.trailer);

    private final List<Entry> entries;
    private int pos = -1;

    SortedEntries(List<Entry> entries) {
        this(entries, true);
    }

    /** With {@code sort == false} the entries are served as given (to test order checks). */
    SortedEntries(List<Entry> entries, boolean sort) {
        this.entries = new ArrayList<>(entries);
        if (sort) {
            this.entries.sort(ORDER);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean valid() {
        return pos >= 0 && pos < entries.size();
    }

    @Override
    public void seekToFirst() {
        pos = 0;
    }

    @Override
    public void seekToLast() {
        pos = entries.size() - 1;
    }

    @Override
    public void seek(byte[] userKey, long trailer) {
        pos = 0;
        while (pos < entries.size() && InternalKeys.compare(entries.get(pos).userKey, entries.get(pos).trailer,
                userKey, trailer) < 0) {
            pos++;
        }
    }

    @Override
    public void seekForPrev(byte[] userKey, long trailer) {
        pos = entries.size() - 1;
        while (pos >= 0 && InternalKeys.compare(entries.get(pos).userKey, entries.get(pos).trailer,
                userKey, trailer) > 0) {
            pos--;
        }
    }

    @Override
    public void next() {
        pos++;
    }

    @Override
    public void prev() {
        pos--;
    }

    @Override
    public byte[] userKey() {
        return entries.get(pos).userKey;
    }

    @Override
    public long trailer() {
        return entries.get(pos).trailer;
    }

    @Override
    public byte[] value() {
        return entries.get(pos).value;
    }

    @Override
    public void close() {
    }
}
