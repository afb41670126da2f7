/**
 * Child JVMs: run a main class in a separate JVM on the current classpath, so a test can SIGKILL it
 * the way a machine crash would, and so a broker's heap and logs stay out of the caller's JVM.
 *
 * <p>Invariant: a child never outlives its parent. Every child runs {@link
 * dev.sediment.examples.childjvm.OrphanGuard} first, which halts it when the parent dies, even by
 * SIGKILL, when no shutdown hook of the parent can run.
 */
package dev.sediment.examples.childjvm;
