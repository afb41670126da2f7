package dev.sediment.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a batch tracks as operations are added: its size, its longest key and value, and its key order. */
class WriteBatchTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tracksItsLongestKeyAndValueUntilCleared() {
        WriteBatch batch = new WriteBatch().put(b("kk"), b("v")).delete(b("kkkk")).put(b("k"), b("vvv"));
        assertEquals(4, batch.largestKeyBytes(), "a delete's key counts");
        assertEquals(3, batch.largestValueBytes());
        assertEquals(2 + 1 + 4 + 1 + 3, batch.approximateBytes());
        batch.clear();
        assertEquals(0, batch.largestKeyBytes());
        assertEquals(0, batch.largestValueBytes());
        assertEquals(0, batch.approximateBytes());
        assertThrows(NullPointerException.class, () -> batch.put(null, b("v")));
        assertThrows(NullPointerException.class, () -> batch.put(b("k"), null));
        assertEquals(0, batch.size(), "a rejected operation is not added");
    }

    @Test
    void theKeyOrderIsKeptUntilTheBatchChanges() {
        WriteBatch batch = new WriteBatch().put(b("c"), b("1")).put(b("a"), b("2")).delete(b("c")).put(b("b"), b("3"));
        int[] order = batch.keyOrder();
        assertArrayEquals(new int[] {1, 3, 2}, order, "a, b, and of c's two operations the last");
        assertSame(order, batch.keyOrder(), "computed once");
        batch.put(b("0"), b("4"));
        int[] after = batch.keyOrder();
        assertNotSame(order, after, "a put drops the kept order");
        assertArrayEquals(new int[] {4, 1, 3, 2}, after);
        batch.delete(b("a"));
        assertArrayEquals(new int[] {4, 5, 3, 2}, batch.keyOrder(), "a delete drops it too");
        batch.clear();
        assertArrayEquals(new int[0], batch.keyOrder());
    }
}
