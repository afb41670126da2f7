package dev.sediment.streams.internal;

import dev.sediment.store.fs.MemFileSystem;
import dev.sediment.streams.CapturingStateStoreContext;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A window store against a model (a map of windows with retention), seeded: random puts (late ones, deletes,
 * keys that are prefixes of each other or hold 0xFF bytes), every read form forward and backward, commits,
 * clean reopens, and crashes on the in-memory file system (what a power loss keeps). After a crash the store
 * must be at one of its commit points (the offset it reports says which); the operations since are replayed
 * through its restore callback (the bulk path), as Kafka Streams replays the changelog, and the store must
 * then equal the model again. Segments are small so retention drops many of them on the way.
 */
class WindowStoreModelTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final int MULTIPLIER = Integer.getInteger("tests.multiplier", 1);
    private static final long RETENTION = 500;
    private static final long SEGMENT = 100;
    private static final long WINDOW = 50;
    private static final TopicPartition CHANGELOG = ModelChangelog.PARTITION;
    private static final byte[][] KEYS = {{1}, {1, 0}, {1, 1}, {2}, {(byte) 0xFF}, {(byte) 0xFF, 0}, {1, (byte) 0x80}};

    private record Op(byte[] key, byte[] value, long time) {
    }

    /** The model: accepted writes by (key, time), and the observed stream time. */
    private static final class Model {
        final TreeMap<String, KeyValue<Windowed<Bytes>, byte[]>> windows = new TreeMap<>();
        long streamTime = -1;

        Model copy() {
            Model m = new Model();
            m.windows.putAll(windows);
            m.streamTime = streamTime;
            return m;
        }

        void put(Op op) {
            streamTime = Math.max(streamTime, op.time());
            if (op.time() / SEGMENT < (streamTime - RETENTION) / SEGMENT) {
                return; // refused: its segment expired
            }
            String id = Arrays.toString(op.key()) + "@" + op.time();
            if (op.value() == null) {
                windows.remove(id);
            } else {
                long end = op.time() + WINDOW;
                windows.put(id, KeyValue.pair(new Windowed<>(Bytes.wrap(op.key()),
                        new org.apache.kafka.streams.kstream.internals.TimeWindow(op.time(), end)), op.value()));
            }
        }

        /** Live windows in the store's order: segment, then Kafka's store key bytes, or segment then time. */
        List<KeyValue<Windowed<Bytes>, byte[]>> read(byte[] from, byte[] to, long timeFrom, long timeTo,
                                                     boolean byTime, boolean reverse) {
            // A time-ordered store's reads in time order go back one millisecond further, as Kafka's do.
            long first = Math.max(timeFrom, streamTime - RETENTION + (byTime ? 0 : 1));
            List<KeyValue<Windowed<Bytes>, byte[]>> out = new ArrayList<>();
            for (KeyValue<Windowed<Bytes>, byte[]> kv : windows.values()) {
                long t = kv.key.window().start();
                byte[] k = kv.key.key().get();
                if (t >= first && t <= timeTo && (from == null || Arrays.compareUnsigned(k, from) >= 0)
                        && (to == null || Arrays.compareUnsigned(k, to) <= 0)) {
                    out.add(kv);
                }
            }
            Comparator<KeyValue<Windowed<Bytes>, byte[]>> bySegment = Comparator.comparingLong(kv -> kv.key.window().start() / SEGMENT);
            Comparator<KeyValue<Windowed<Bytes>, byte[]>> order = byTime
                    ? bySegment.thenComparingLong(kv -> kv.key.window().start()).thenComparing(kv -> kv.key.key())
                    : bySegment.thenComparing((a, b) -> Arrays.compareUnsigned(storeKey(a), storeKey(b)));
            out.sort(reverse ? order.reversed() : order);
            return out;
        }

        private static byte[] storeKey(KeyValue<Windowed<Bytes>, byte[]> kv) {
            return WindowKeySchema.toStoreKeyBinary(kv.key.key(), kv.key.window().start(), 0).get();
        }
    }

    private MemFileSystem fs = new MemFileSystem();
    private SedimentWindowStore store;
    private CapturingStateStoreContext context;

    private void open(boolean timeOrdered) {
        store = new SedimentWindowStore("windows", RETENTION, SEGMENT, WINDOW, false, timeOrdered);
        context = InMemorySegmentedStore.init(store, fs);
    }

    @ParameterizedTest(name = "timeOrdered={0}")
    @ValueSource(booleans = {false, true})
    void matchesTheModelThroughReopensAndCrashes(boolean timeOrdered) {
        Random r = new Random(SEED);
        String where = "seed " + SEED + " (rerun with -Dtests.seed=" + SEED + ")";
        System.out.println("WindowStoreModelTest timeOrdered=" + timeOrdered + " " + where);
        Model model = new Model();
        ModelChangelog<Op, Model> log = new ModelChangelog<>(model, Model::copy);
        long now = 0;
        open(timeOrdered);
        try {
            int ops = 1_500 * MULTIPLIER;
            for (int i = 0; i < ops; i++) {
                int dice = r.nextInt(100);
                if (dice < 70) {
                    now += r.nextInt(12);
                    long time = r.nextInt(8) == 0 ? Math.max(0, now - r.nextInt((int) (2 * RETENTION))) : now;
                    byte[] key = KEYS[r.nextInt(KEYS.length)];
                    byte[] value = r.nextInt(10) == 0 ? null : ("v" + i).getBytes();
                    Op op = new Op(key, value, time);
                    log.add(op);
                    store.put(Bytes.wrap(key), value, time);
                    model.put(op);
                } else if (dice < 90) {
                    check(model, r, timeOrdered, where + " op " + i);
                } else if (dice < 95) {
                    long offset = log.lastOffset();
                    store.commit(Map.of(CHANGELOG, offset));
                    log.committed(model);
                } else if (dice < 98) {
                    long offset = log.lastOffset();
                    store.commit(Map.of(CHANGELOG, offset)); // Kafka Streams commits before a clean close
                    log.committed(model);
                    store.close();
                    open(timeOrdered);
                    assertEquals(offset, store.committedOffset(CHANGELOG), where);
                } else {
                    MemFileSystem crashed = fs.crashClone(); // a power loss now
                    store.close();
                    fs = crashed;
                    open(timeOrdered);
                    Long recovered = store.committedOffset(CHANGELOG);
                    long from = recovered == null ? -1 : recovered;
                    model = log.modelAt(recovered, where);
                    if (recovered != null) {
                        // Exactly the recovered commit point: nothing live there missing (retention drops wait for
                        // it). A store never committed keeps its flushed writes; Kafka Streams replays it all.
                        try (var it = store.all()) {
                            assertEquals(renderWindows(model.read(null, null, 0, Long.MAX_VALUE, timeOrdered, false)),
                                    renderWindows(it), "all() right after the crash at op " + i + "; " + where);
                        }
                    }
                    replay(log, from, model);
                    log.committed(model);
                }
            }
            check(model, r, timeOrdered, where + " at the end");
        } finally {
            store.close();
        }
    }

    /** What Kafka Streams does after a crash: the changelog from the recovered offset, then a commit. */
    private void replay(ModelChangelog<Op, Model> log, long from, Model model) {
        log.replay(context.restoreCallback, from,
                op -> WindowKeySchema.toStoreKeyBinary(Bytes.wrap(op.key()), op.time(), 0).get(), Op::value, model::put);
        store.commit(Map.of(CHANGELOG, log.lastOffset()));
    }

    private void check(Model model, Random r, boolean timeOrdered, String where) {
        long now = Math.max(0, model.streamTime);
        long from = Math.max(0, now - r.nextInt((int) (2 * RETENTION)));
        long to = r.nextBoolean() ? Long.MAX_VALUE : from + r.nextInt((int) RETENTION);
        byte[] key = KEYS[r.nextInt(KEYS.length)];
        byte[] k2 = KEYS[r.nextInt(KEYS.length)];
        byte[] lo = Arrays.compareUnsigned(key, k2) <= 0 ? key : k2;
        byte[] hi = lo == key ? k2 : key;
        boolean reverse = r.nextBoolean();
        switch (r.nextInt(4)) {
            case 0 -> {
                List<KeyValue<Long, byte[]>> expected = new ArrayList<>();
                for (KeyValue<Windowed<Bytes>, byte[]> kv : model.read(key, key, from, to, false, reverse)) {
                    expected.add(KeyValue.pair(kv.key.window().start(), kv.value));
                }
                List<KeyValue<Long, byte[]>> actual = new ArrayList<>();
                try (var it = reverse ? store.backwardFetch(Bytes.wrap(key), from, to) : store.fetch(Bytes.wrap(key), from, to)) {
                    it.forEachRemaining(actual::add);
                }
                assertEquals(render(expected), render(actual), "fetch(key, from, to) " + where);
            }
            case 1 -> {
                try (var it = reverse ? store.backwardFetch(Bytes.wrap(lo), Bytes.wrap(hi), from, to)
                        : store.fetch(Bytes.wrap(lo), Bytes.wrap(hi), from, to)) {
                    assertEquals(renderWindows(model.read(lo, hi, from, to, false, reverse)), renderWindows(it),
                            "fetch(keyFrom, keyTo, from, to) " + where);
                }
            }
            case 2 -> {
                try (var it = reverse ? store.backwardFetchAll(from, to) : store.fetchAll(from, to)) {
                    assertEquals(renderWindows(model.read(null, null, from, to, timeOrdered, reverse)), renderWindows(it),
                            "fetchAll " + where);
                }
                try (var it = reverse ? store.backwardAll() : store.all()) {
                    assertEquals(renderWindows(model.read(null, null, 0, Long.MAX_VALUE, timeOrdered, reverse)),
                            renderWindows(it), "all " + where);
                }
            }
            default -> {
                List<KeyValue<Windowed<Bytes>, byte[]>> live = model.read(key, key, 0, Long.MAX_VALUE, false, false);
                long time = live.isEmpty() || r.nextInt(4) == 0 ? from : live.get(r.nextInt(live.size())).key.window().start();
                byte[] expected = null;
                for (KeyValue<Windowed<Bytes>, byte[]> kv : live) {
                    if (kv.key.window().start() == time) {
                        expected = kv.value;
                    }
                }
                assertArrayEquals(expected, store.fetch(Bytes.wrap(key), time), "fetch(key, time) " + where);
            }
        }
    }

    private static List<String> render(List<KeyValue<Long, byte[]>> kvs) {
        List<String> out = new ArrayList<>();
        kvs.forEach(kv -> out.add(kv.key + "=" + new String(kv.value)));
        return out;
    }

    private static List<String> renderWindows(List<KeyValue<Windowed<Bytes>, byte[]>> kvs) {
        List<String> out = new ArrayList<>();
        kvs.forEach(kv -> out.add(kv.key + "=" + new String(kv.value)));
        return out;
    }

    private static List<String> renderWindows(KeyValueIterator<Windowed<Bytes>, byte[]> it) {
        List<KeyValue<Windowed<Bytes>, byte[]>> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        return renderWindows(all);
    }
}
