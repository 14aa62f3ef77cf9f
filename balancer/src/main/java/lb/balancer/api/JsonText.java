package lb.balancer.api;

import java.util.List;
import java.util.Map;

/**
 * Renders the API's small JSON answers with the spacing the SPEC shows ({@code {"message": ..., "status": ...}}),
 * so responses match the contract byte for byte. Supports maps (in iteration order), lists, strings, numbers and
 * booleans: all the API ever returns.
 */
public final class JsonText {

    private JsonText() {}

    public static String render(Object value) {
        StringBuilder out = new StringBuilder(64);
        write(out, value);
        return out.toString();
    }

    /** {@code {"message": <message>, "status": "successful"}} */
    public static String success(Object message) {
        StringBuilder out = new StringBuilder(64).append("{\"message\": ");
        write(out, message);
        return out.append(", \"status\": \"successful\"}").toString();
    }

    /** {@code {"message": "<Error> <text>", "status": "failure"}} */
    public static String failure(String text) {
        return "{\"message\": " + quote("<Error> " + text) + ", \"status\": \"failure\"}";
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String text -> out.append(quote(text));
            case Number number -> out.append(number);
            case Boolean bool -> out.append(bool);
            case Map<?, ?> map -> {
                out.append('{');
                String separator = "";
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(separator).append(quote(String.valueOf(entry.getKey()))).append(": ");
                    write(out, entry.getValue());
                    separator = ", ";
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                String separator = "";
                for (Object item : list) {
                    out.append(separator);
                    write(out, item);
                    separator = ", ";
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot render " + value.getClass());
        }
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
