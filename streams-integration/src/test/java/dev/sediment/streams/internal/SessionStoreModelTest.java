package dev.sediment.streams.internal;

import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.streams.CapturingStateStoreContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.internals.SessionKeySchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A session store against a model (a map of sessions with retention), seeded: random puts of sessions (late ones,
 * overlapping ones, removes, keys that are prefixes of each other or hold 0xFF bytes), every read form forward and
 * backward ({@code findSessions} by key and by key range with open bounds, {@code findSessions(earliestEnd,
 * latestEnd)}, {@code fetchSession}, {@code fetch}), commits, clean reopens, and crashes on the in-memory file
 * system. After a crash the store must be at one of its commit points (its committed offset says which); the
 * operations since are replayed through its restore callback, as Kafka Streams replays the changelog, and the
 * store must equal the model again. Segments are small so retention drops many of them on the way.
 *
 * <p>Retention as the store documents it: a session whose end's segment is below that of stream time minus
 * retention is refused; reads by key never return sessions ending at or before stream time minus retention;
 * {@code findSessions(earliestEnd, latestEnd)} is not cut at retention (onWindowClose reads closed sessions) but
 * never returns segments below the lowest live one, which each put, each commit (also the one right after a
 * restore) and each open raise to that of stream time minus retention. A crash must never lose a segment live at the commit point it
 * rolls back to (checked before the replay), though retention may have dropped it after that point.
 */
class SessionStoreModelTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final int MULTIPLIER = Integer.getInteger("tests.multiplier", 1);
    private static final long RETENTION = 500;
    private static final long SEGMENT = 100;
    private static final TopicPartition CHANGELOG = ModelChangelog.PARTITION;
    private static final byte[][] KEYS = {{1}, {1, 0}, {1, 1}, {2}, {(byte) 0xFF}, {(byte) 0xFF, 0}, {1, (byte) 0x80}};

    private record Op(byte[] key, long start, long end, byte[] value) {
        Windowed<Bytes> session() {
            return new Windowed<>(Bytes.wrap(key), new SessionWindow(start, end));
        }
    }

    private record Session(byte[] key, long start, long end, byte[] value) {
        long segment() {
            return end / SEGMENT;
        }

        /** Kafka's session store key, {@code [key][end][start]}: the order of reads within a segment. */
        byte[] storeKey() {
            return SessionKeySchema.toBinary(new Windowed<>(Bytes.wrap(key), new SessionWindow(start, end))).get();
        }

        /** {@code [end][start][key]}: the order of a time-ordered store's {@code findSessions(earliestEnd, latestEnd)}. */
        byte[] timeKey() {
            byte[] t = new byte[16 + key.length];
            ByteBuffer.wrap(t).putLong(end).putLong(start).put(key);
            return t;
        }

        String render() {
            return Arrays.toString(key) + "[" + start + "," + end + "]=" + new String(value);
        }
    }

    /** The model: accepted sessions by (key, start, end), stream time, and the lowest segment not yet dropped. */
    private static final class Model {
        final TreeMap<String, Session> sessions = new TreeMap<>();
        long streamTime = -1;
        long lowestLive = Long.MIN_VALUE;

        Model copy() {
            Model m = new Model();
            m.sessions.putAll(sessions);
            m.streamTime = streamTime;
            m.lowestLive = lowestLive;
            return m;
        }

        /** A put or remove; {@code processing} (not restoring): it also applies retention, as a commit does. */
        void apply(Op op, boolean processing) {
            streamTime = Math.max(streamTime, op.end());
            if (op.end() / SEGMENT >= (streamTime - RETENTION) / SEGMENT) { // else refused: its segment expired
                String id = Arrays.toString(op.key()) + "@" + op.start() + "-" + op.end();
                if (op.value() == null) {
                    sessions.remove(id);
                } else {
                    sessions.put(id, new Session(op.key(), op.start(), op.end(), op.value()));
                }
            }
            if (processing) {
                commit();
            }
        }

        /** Retention (at a commit or a put): segments below that of stream time minus retention go. */
        void commit() {
            long minLive = (streamTime - RETENTION) / SEGMENT;
            if (minLive > lowestLive) {
                lowestLive = minLive;
                sessions.values().removeIf(s -> s.segment() < minLive);
            }
        }

        /** A store opens no lower than the segment of its stream time minus retention (what a crash may have dropped). */
        void open() {
            if (streamTime >= 0) {
                lowestLive = Math.max(lowestLive, (streamTime - RETENTION) / SEGMENT);
            }
        }

        /** The earliest session end a read by key may return. */
        long firstLiveEnd() {
            return streamTime - RETENTION + 1;
        }

        List<Session> read(Predicate<Session> accept, boolean byTime, boolean reverse) {
            List<Session> out = new ArrayList<>(sessions.values().stream().filter(accept).toList());
            Comparator<Session> bySegment = Comparator.comparingLong(Session::segment);
            Comparator<Session> order = byTime
                    ? bySegment.thenComparing((a, b) -> Arrays.compareUnsigned(a.timeKey(), b.timeKey()))
                    : bySegment.thenComparing((a, b) -> Arrays.compareUnsigned(a.storeKey(), b.storeKey()));
            out.sort(reverse ? order.reversed() : order);
            return out;
        }
    }

    /** The last reopen or crash, for failure messages. */
    private String lastEvent = "none";
    private MemFileSystem fs = new MemFileSystem();
    private SedimentSessionStore store;
    private CapturingStateStoreContext context;

    private void open(boolean timeOrdered) {
        store = new SedimentSessionStore("sessions", RETENTION, SEGMENT, timeOrdered);
        context = InMemorySegmentedStore.init(store, fs);
    }

    @ParameterizedTest(name = "timeOrdered={0}")
    @ValueSource(booleans = {false, true})
    void matchesTheModelThroughReopensAndCrashes(boolean timeOrdered) {
        Random r = new Random(SEED);
        String where = "seed " + SEED + " (rerun with -Dtests.seed=" + SEED + ")";
        System.out.println("SessionStoreModelTest timeOrdered=" + timeOrdered + " " + where);
        Model model = new Model();
        ModelChangelog<Op, Model> log = new ModelChangelog<>(model, Model::copy);
        long now = 0;
        open(timeOrdered);
        int crashes = 0;
        int reopens = 0;
        try {
            int ops = 1_500 * MULTIPLIER;
            for (int i = 0; i < ops; i++) {
                int dice = r.nextInt(100);
                if (dice < 70) {
                    Op op = randomOp(r, model, now, i);
                    now = Math.max(now, op.end());
                    log.add(op);
                    if (op.value() == null) {
                        store.remove(op.session());
                    } else {
                        store.put(op.session(), op.value());
                    }
                    model.apply(op, true);
                } else if (dice < 90) {
                    check(model, r, timeOrdered, where + " op " + i);
                } else if (dice < 95) {
                    long offset = log.lastOffset();
                    store.commit(Map.of(CHANGELOG, offset));
                    model.commit();
                    log.committed(model);
                } else if (dice < 98) {
                    long offset = log.lastOffset();
                    store.commit(Map.of(CHANGELOG, offset)); // Kafka Streams commits before a clean close
                    model.commit();
                    log.committed(model);
                    store.close();
                    open(timeOrdered);
                    model.open();
                    reopens++;
                    lastEvent = "reopen at " + i;
                    assertEquals(offset, store.committedOffset(CHANGELOG), where);
                } else {
                    MemFileSystem crashed = fs.crashClone(); // a power loss now
                    store.close();
                    fs = crashed;
                    open(timeOrdered);
                    crashes++;
                    Long recovered = store.committedOffset(CHANGELOG);
                    long from = recovered == null ? -1 : recovered;
                    model = log.modelAt(recovered, where);
                    model.open();
                    lastEvent = "crash at " + i + " recovered " + from + " of " + log.lastOffset();
                    if (recovered != null) { // a store never committed keeps its flushed writes; all is replayed
                        checkAll(model, timeOrdered, where + " after the crash at op " + i + ", recovered at " + from);
                    }
                    replay(log, from, model);
                    log.committed(model);
                }
            }
            check(model, r, timeOrdered, where + " at the end");
        } finally {
            store.close();
        }
        System.out.println("SessionStoreModelTest: " + log.size() + " writes, " + reopens + " reopens, " + crashes
                + " crashes, " + model.sessions.size() + " sessions live at the end");
    }

    /** A new session at stream time or late, a session merged over an existing one, or a remove. */
    private static Op randomOp(Random r, Model model, long now, int i) {
        int dice = r.nextInt(10);
        if (dice < 2 && !model.sessions.isEmpty()) {
            List<Session> live = new ArrayList<>(model.sessions.values());
            Session s = live.get(r.nextInt(live.size()));
            return dice == 0 ? new Op(s.key(), s.start(), s.end(), null) // remove an existing session
                    : new Op(s.key(), s.start(), s.end(), ("v" + i).getBytes()); // overwrite its aggregate
        }
        long end = now + r.nextInt(12);
        if (r.nextInt(8) == 0) {
            end = Math.max(0, now - r.nextInt((int) (2 * RETENTION))); // late, maybe expired
        }
        long start = Math.max(0, end - (r.nextInt(3) == 0 ? 0 : r.nextInt(80)));
        byte[] key = KEYS[r.nextInt(KEYS.length)];
        return new Op(key, start, end, dice == 2 ? null : ("v" + i).getBytes());
    }

    /** What Kafka Streams does after a crash: the changelog from the recovered offset, then a commit. */
    private void replay(ModelChangelog<Op, Model> log, long from, Model model) {
        log.replay(context.restoreCallback, from, op -> SessionKeySchema.toBinary(op.session()).get(), Op::value,
                op -> model.apply(op, false));
        store.commit(Map.of(CHANGELOG, log.lastOffset()));
        model.commit(); // a commit applies retention, also right after a restore
    }

    private void check(Model model, Random r, boolean timeOrdered, String where) {
        long now = Math.max(0, model.streamTime);
        long earliestEnd = Math.max(0, now - r.nextInt((int) (2 * RETENTION)));
        long latest = r.nextBoolean() ? Long.MAX_VALUE : earliestEnd + r.nextInt((int) RETENTION);
        byte[] key = KEYS[r.nextInt(KEYS.length)];
        byte[] k2 = KEYS[r.nextInt(KEYS.length)];
        byte[] lo = Arrays.compareUnsigned(key, k2) <= 0 ? key : k2;
        byte[] hi = lo == key ? k2 : key;
        if (r.nextInt(4) == 0) {
            lo = r.nextBoolean() ? null : lo; // open bounds
            hi = r.nextBoolean() ? null : hi;
        }
        boolean reverse = r.nextBoolean();
        long firstLive = Math.max(earliestEnd, model.firstLiveEnd());
        long firstEver = Math.max(0, model.firstLiveEnd());
        byte[] kLo = lo;
        byte[] kHi = hi;
        Predicate<Session> ofKey = s -> Arrays.equals(s.key(), key);
        Predicate<Session> inKeys = s -> (kLo == null || Arrays.compareUnsigned(s.key(), kLo) >= 0)
                && (kHi == null || Arrays.compareUnsigned(s.key(), kHi) <= 0);
        switch (r.nextInt(5)) {
            case 0 -> {
                try (var it = reverse ? store.backwardFindSessions(Bytes.wrap(key), earliestEnd, latest)
                        : store.findSessions(Bytes.wrap(key), earliestEnd, latest)) {
                    assertEquals(render(model.read(ofKey.and(s -> s.end() >= firstLive && s.start() <= latest), false,
                            reverse)), render(it), "findSessions(key, earliestEnd, latestStart) " + where);
                }
            }
            case 1 -> {
                try (var it = reverse ? store.backwardFindSessions(wrap(lo), wrap(hi), earliestEnd, latest)
                        : store.findSessions(wrap(lo), wrap(hi), earliestEnd, latest)) {
                    assertEquals(render(model.read(inKeys.and(s -> s.end() >= firstLive && s.start() <= latest), false,
                            reverse)), render(it), "findSessions(keyFrom, keyTo, earliestEnd, latestStart) " + where);
                }
            }
            case 2 -> {
                try (var it = store.findSessions(earliestEnd, latest)) {
                    assertEquals(render(model.read(s -> s.segment() >= model.lowestLive && s.end() >= earliestEnd
                                    && s.end() <= latest, timeOrdered, false)), render(it),
                            "findSessions(earliestEnd, latestEnd) " + where + " (model: lowest live segment "
                                    + model.lowestLive + ", stream time " + model.streamTime + "; last " + lastEvent + ")");
                }
            }
            case 3 -> {
                try (var it = reverse ? store.backwardFetch(Bytes.wrap(key)) : store.fetch(Bytes.wrap(key))) {
                    assertEquals(render(model.read(ofKey.and(s -> s.end() >= firstEver), false, reverse)), render(it),
                            "fetch(key) " + where);
                }
                try (var it = reverse ? store.backwardFetch(wrap(lo), wrap(hi)) : store.fetch(wrap(lo), wrap(hi))) {
                    assertEquals(render(model.read(inKeys.and(s -> s.end() >= firstEver), false, reverse)), render(it),
                            "fetch(keyFrom, keyTo) " + where);
                }
            }
            default -> {
                List<Session> live = model.read(ofKey, false, false);
                Session probe = live.isEmpty() || r.nextInt(4) == 0
                        ? new Session(key, Math.max(0, earliestEnd - 10), earliestEnd, null)
                        : live.get(r.nextInt(live.size()));
                byte[] expected = probe.end() >= model.firstLiveEnd() ? probe.value() : null;
                if (probe.value() == null) {
                    for (Session s : live) {
                        if (s.start() == probe.start() && s.end() == probe.end() && s.end() >= model.firstLiveEnd()) {
                            expected = s.value();
                        }
                    }
                }
                assertArrayEquals(expected, store.fetchSession(Bytes.wrap(key), probe.start(), probe.end()),
                        "fetchSession(" + Arrays.toString(key) + ", " + probe.start() + ", " + probe.end() + ") " + where);
            }
        }
    }

    /** Every session the store holds, by key range and by time: exactly the model's. */
    private void checkAll(Model model, boolean timeOrdered, String where) {
        long firstLive = Math.max(0, model.firstLiveEnd());
        try (var it = store.fetch(null, null)) {
            assertEquals(render(model.read(s -> s.end() >= firstLive, false, false)), render(it), "fetch(null, null) " + where);
        }
        try (var it = store.findSessions(0, Long.MAX_VALUE)) {
            assertEquals(render(model.read(s -> s.segment() >= model.lowestLive, timeOrdered, false)), render(it),
                    "findSessions(0, MAX) " + where);
        }
    }

    private static Bytes wrap(byte[] key) {
        return key == null ? null : Bytes.wrap(key);
    }

    private static List<String> render(List<Session> sessions) {
        return sessions.stream().map(Session::render).toList();
    }

    private static List<String> render(KeyValueIterator<Windowed<Bytes>, byte[]> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(kv -> out.add(Arrays.toString(kv.key.key().get()) + "[" + kv.key.window().start() + ","
                + kv.key.window().end() + "]=" + new String(kv.value)));
        return out;
    }
}
