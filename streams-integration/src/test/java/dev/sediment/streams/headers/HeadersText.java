package dev.sediment.streams.headers;

import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** Record headers as {@code [key:value key:value ]}, for comparing outputs and store contents as text. */
final class HeadersText {
    private HeadersText() {
    }

    static String of(Header[] headers) {
        StringBuilder sb = new StringBuilder("[");
        for (Header h : headers) {
            sb.append(h.key()).append(':').append(new String(h.value(), StandardCharsets.UTF_8)).append(' ');
        }
        return sb.append(']').toString();
    }
}
