package dev.sediment.examples.childjvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** Main classes run in child JVMs by the tests of this package. */
final class ChildMains {
    static final String WAITING = "waiting until killed";
    static final String HOOK_RAN = "shutdown hook ran";
    static final String SPAWNED = "spawned grandchild pid=";

    private ChildMains() {}

    /** Prints its arguments and a system property, then exits with the code given first. */
    static final class Echo {
        public static void main(String[] args) {
            System.out.println("args=" + Arrays.toString(args) + " greeting=" + System.getProperty("greeting"));
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /**
     * Waits forever; says so in its log, and again at the end of a shutdown hook that takes a while,
     * as a broker's controlled shutdown does, so anything that cuts a stop short shows.
     */
    static final class Waiter {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println(HOOK_RAN);
            }));
            System.out.println(WAITING);
            new CountDownLatch(1).await();
        }
    }

    static final class Thrower {
        public static void main(String[] args) {
            throw new IllegalStateException("thrown by the child's main");
        }
    }

    /**
     * A parent for the orphan test: starts a {@link Waiter} grandchild logging to {@code args[0]},
     * reports its pid once it runs, then waits to be killed.
     */
    static final class Spawner {
        public static void main(String[] args) throws Exception {
            ChildJvm grandchild = ChildJvm.builder(Waiter.class, Path.of(args[0])).start();
            grandchild.awaitLog(WAITING, Duration.ofSeconds(60));
            System.out.println(SPAWNED + grandchild.pid());
            new CountDownLatch(1).await();
        }
    }
}
