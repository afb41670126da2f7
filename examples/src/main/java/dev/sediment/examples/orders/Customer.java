package dev.sediment.examples.orders;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.nio.charset.StandardCharsets;

/** A customer as the {@code customers} topic holds it: {@code name|region} in UTF-8. */
public record Customer(String name, String region) {
    public static final Serde<Customer> SERDE = Serdes.serdeFrom(
            (topic, customer) -> customer == null ? null : customer.format().getBytes(StandardCharsets.UTF_8),
            (topic, bytes) -> bytes == null ? null : parse(new String(bytes, StandardCharsets.UTF_8)));

    public Customer {
        if (name.contains("|") || region.contains("|")) {
            throw new IllegalArgumentException("'|' separates name and region: " + name + ", " + region);
        }
    }

    String format() {
        return name + "|" + region;
    }

    static Customer parse(String text) {
        int bar = text.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a customer (name|region): " + text);
        }
        return new Customer(text.substring(0, bar), text.substring(bar + 1));
    }
}
