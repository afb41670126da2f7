package dev.sediment.streams.dependencies;

import dev.sediment.streams.SedimentConfig;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Run by {@link LoggingBindingsTest} in a child JVM with one slf4j backend: logs one of Sediment's WARNs
 * (an unknown key) and prints which logger factory slf4j bound.
 */
public final class LoggingChild {
    private LoggingChild() {
    }

    public static void main(String[] args) {
        System.out.println("factory=" + LoggerFactory.getILoggerFactory().getClass().getName());
        new SedimentConfig(Map.of("sediment.memtable.byte", "1"));
        System.out.flush();
        System.err.flush();
    }
}
