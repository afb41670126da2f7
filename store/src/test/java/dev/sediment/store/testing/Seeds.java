package dev.sediment.store.testing;

import java.util.Random;

/**
 * Seeds for randomized tests: {@code -Dtests.seed=N} replays a run, otherwise a fresh seed is drawn.
 * Every seed is printed so a failure can be replayed; {@code -Dtests.multiplier=N} makes runs longer.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long seed(String testName) {
        String prop = System.getProperty("tests.seed", "");
        long seed = prop.isBlank() ? new Random().nextLong() : Long.parseLong(prop.trim());
        System.out.println(testName + " seed=" + seed + " (replay with -Dtests.seed=" + seed + ")");
        return seed;
    }

    public static int multiplier() {
        String prop = System.getProperty("tests.multiplier", "");
        return prop.isBlank() ? 1 : Math.max(1, Integer.parseInt(prop.trim()));
    }
}
