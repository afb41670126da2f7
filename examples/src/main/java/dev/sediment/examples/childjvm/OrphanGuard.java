package dev.sediment.examples.childjvm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Arrays;

/**
 * The first main of every child JVM: it makes the child halt when its parent is gone, then runs the
 * real main class given as the first argument, with the remaining arguments.
 *
 * <p>Two independent signals, because a SIGKILLed parent runs no code:
 * <ul>
 *   <li>the parent holds the write end of the child's stdin pipe; the kernel closes it when the
 *       parent dies, so a read returns end-of-file at once;
 *   <li>the parent's pid, watched through {@link ProcessHandle#onExit()}, in case stdin was
 *       redirected or is read by someone else.
 * </ul>
 * The child halts without running shutdown hooks: with its parent gone nobody waits for a clean stop.
 */
public final class OrphanGuard {
    /** Exit code of a child halted because its parent is gone. */
    public static final int ORPHANED_EXIT_CODE = 86;

    /**
     * System property holding the parent's pid, set by {@link ChildJvm}. Not under {@code sediment.}: those
     * system properties are store settings, and the store warns of any it does not know.
     */
    static final String PARENT_PID_PROPERTY = "dev.sediment.childjvm.parent.pid";

    /** Printed to the child's log just before it halts; tests look for it. */
    public static final String HALT_MESSAGE = "orphan guard: parent JVM is gone, halting";

    private OrphanGuard() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: OrphanGuard <main class> [args...]");
        }
        watchStdin(System.in);
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid != null) {
            watchParent(Long.parseLong(parentPid));
        }
        runMain(args[0], Arrays.copyOfRange(args, 1, args.length));
    }

    private static void watchStdin(InputStream in) {
        Thread watcher = new Thread(() -> {
            byte[] ignored = new byte[256];
            try {
                while (in.read(ignored) >= 0) {
                    // The parent never writes; anything read is discarded.
                }
                halt("stdin closed");
            } catch (IOException e) {
                halt("stdin failed: " + e);
            }
        }, "orphan-guard-stdin");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watchParent(long pid) {
        ProcessHandle.of(pid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> halt("parent pid " + pid + " exited")),
                () -> halt("parent pid " + pid + " not found"));
    }

    private static void halt(String why) {
        System.err.println(HALT_MESSAGE + " (" + why + ") at " + Instant.now());
        System.err.flush();
        Runtime.getRuntime().halt(ORPHANED_EXIT_CODE);
    }

    private static void runMain(String className, String[] args) throws Throwable {
        Class<?> mainClass = Class.forName(className, true, ClassLoader.getSystemClassLoader());
        Method main = mainClass.getMethod("main", String[].class);
        // As the java launcher does, a public static main runs even in a non-public class.
        main.setAccessible(true);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            // Rethrow the main's own exception, so the child exits as a plain `java Main` would.
            throw e.getCause();
        }
    }
}
