package dev.sediment.store.fs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handles a {@link MemFileSystem} has open, each with the stack trace of where it was opened, so a
 * leak fails a test pointing at the code that leaked it. Thread-safe.
 */
final class OpenHandles {
    private final Map<Object, Throwable> open = new IdentityHashMap<>();

    synchronized void opened(Object handle, String description) {
        open.put(handle, new Throwable(description + " opened here"));
    }

    synchronized void closed(Object handle) {
        open.remove(handle);
    }

    synchronized int count() {
        return open.size();
    }

    /** Throws an AssertionError naming every open handle and where it was opened; returns if there are none. */
    synchronized void assertNone() {
        if (open.isEmpty()) {
            return;
        }
        List<Throwable> traces = new ArrayList<>(open.values());
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println(traces.size() + " file handle(s) left open:");
        for (Throwable t : traces) {
            t.printStackTrace(out);
        }
        out.flush();
        AssertionError error = new AssertionError(text.toString());
        traces.forEach(error::addSuppressed);
        throw error;
    }
}
