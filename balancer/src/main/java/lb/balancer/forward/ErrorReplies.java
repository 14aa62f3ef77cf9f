package lb.balancer.forward;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The balancer's own JSON answers, shaped like every API error: {"message": "<Error> ...", "status": "failure"}. */
final class ErrorReplies {

    static final String NO_REPLICA_SERVED = "<Error> No replica could serve the request";
    static final String ADMIN_UNREACHABLE = "<Error> Admin API is not reachable";
    static final String MALFORMED = "<Error> Malformed HTTP request";
    static final String HEADERS_TOO_LARGE = "<Error> Request header fields too large";
    static final String BODY_TOO_LARGE = "<Error> Request body too large";
    static final String BAD_GATEWAY = "<Error> Replica sent an invalid response";
    static final String UNSUPPORTED_CODING = "<Error> Transfer-Encoding other than chunked is not supported";
    static final String HEAD_TIMEOUT = "<Error> Request head not received in time";
    static final String BODY_TIMEOUT = "<Error> Request body not received in time";
    static final String TOO_MANY_CONNECTIONS = "<Error> Too many connections";
    /** Longest path shown in a message: the reply must stay small whatever the client sent. */
    static final int MAX_SHOWN_PATH = 200;
    /** Longest message written; with JSON escaping (at most 6 bytes a char) a reply stays far below a buffer. */
    private static final int MAX_MESSAGE = 600;

    private ErrorReplies() {}

    static String timedOut(String replica) {
        return "<Error> Replica " + replica + " timed out";
    }

    static String busy(String replica) {
        return "<Error> Replica " + replica + " is at its concurrency limit and its queue is full";
    }

    static String queueTooSlow(String replica) {
        return "<Error> Replica " + replica + " is at its concurrency limit and its queue would outlast the queue timeout";
    }

    static String queueTimedOut(String replica) {
        return "<Error> Replica " + replica + " stayed at its concurrency limit for the whole queue timeout";
    }

    /** The SPEC's 400 for a path no replica serves; the path is shown as UTF-8, cut to {@value #MAX_SHOWN_PATH}. */
    static String unknownEndpoint(String rawPath) {
        String path = new String(rawPath.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        if (path.length() > MAX_SHOWN_PATH) path = path.substring(0, MAX_SHOWN_PATH) + "...";
        return "<Error> '" + path + "' endpoint does not exist in server replicas";
    }

    /**
     * Writes a complete response with a correct Content-Length. The message is cut to {@value #MAX_MESSAGE} chars, so
     * the reply is at most a few KB and fits any buffer this data path writes it into.
     */
    static void write(ByteBuffer out, int status, String message, boolean keepAlive, boolean http10) {
        write(out, status, message, keepAlive, http10, null);
    }

    /** As above, with an {@code X-LB-Trace} header when {@code trace} is not null (printable ASCII). */
    static void write(ByteBuffer out, int status, String message, boolean keepAlive, boolean http10, String trace) {
        if (message.length() > MAX_MESSAGE) message = message.substring(0, MAX_MESSAGE) + "...";
        byte[] body = ("{\"message\": \"" + jsonEscape(message) + "\", \"status\": \"failure\"}")
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\nContent-Type: application/json\r\nContent-Length: ")
                .append(body.length).append("\r\n");
        if (trace != null) head.append("X-LB-Trace: ").append(trace).append("\r\n");
        if (!keepAlive) head.append("Connection: close\r\n");
        else if (http10) head.append("Connection: keep-alive\r\n");
        head.append("\r\n");
        out.put(head.toString().getBytes(StandardCharsets.ISO_8859_1)).put(body);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    static String jsonEscape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : null;
            };
            if (rep != null && sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (sb != null) {
                if (rep != null) sb.append(rep);
                else sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
