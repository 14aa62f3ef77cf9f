package lb.balancer.forward;

import java.nio.ByteBuffer;

/**
 * Rewrites heads by copying the byte ranges of the surviving header lines: hop-by-hop headers and headers named in
 * Connection are dropped, X-Forwarded-For is appended to, framing headers are regenerated.
 */
final class HeadWriter {

    private static final byte[] HTTP11_SP = Ascii.bytes(" HTTP/1.1\r\n");
    private static final byte[] STATUS_PREFIX = Ascii.bytes("HTTP/1.1 ");
    private static final byte[] XFF = Ascii.bytes("X-Forwarded-For: ");
    private static final byte[] COMMA_SP = Ascii.bytes(", ");
    private static final byte[] HOST = Ascii.bytes("Host: ");
    private static final byte[] CONTENT_LENGTH = Ascii.bytes("Content-Length: ");
    private static final byte[] SERVED_BY = Ascii.bytes("X-Served-By: ");
    private static final byte[] TRACE = Ascii.bytes("X-LB-Trace: ");
    private static final byte[] CHUNKED = Ascii.bytes("Transfer-Encoding: chunked\r\n");
    private static final byte[] CLOSE = Ascii.bytes("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = Ascii.bytes("Connection: keep-alive\r\n");

    private HeadWriter() {}

    /**
     * Writes the upstream request head. The client's Host is kept (the replicas do not do virtual hosting, and
     * keeping it is what HAProxy does); an absolute-form target is sent in origin form with its authority as Host
     * (RFC 9112 §3.2.2); when the client sent no Host (HTTP/1.0), Host becomes the upstream's host:port, because
     * HTTP/1.1 requires one. Framing is regenerated: {@code Content-Length: contentLength} when it is not negative,
     * {@code Transfer-Encoding: chunked} when {@code chunked} (a streamed chunked body), else none.
     */
    static void writeRequest(RequestHead h, ByteBuffer out, byte[] clientIp, String host, int port,
                             long contentLength, boolean chunked) {
        byte[] b = h.buf;
        boolean absolute = h.authorityStart >= 0;
        if (absolute) {
            out.put(b, 0, h.methodEnd + 1);
            if (h.pathStart == h.targetEnd || b[h.pathStart] != '/') out.put((byte) '/');
            out.put(b, h.pathStart, h.targetEnd - h.pathStart).put(HTTP11_SP);
        } else {
            out.put(b, 0, h.targetEnd).put(HTTP11_SP);
        }
        boolean forwarded = false;
        boolean hostSent = false;
        for (int i = 0; i < h.count; i++) {
            byte k = h.kind[i];
            if (k == HttpHead.OTHER || k == HttpHead.REQUEST_ID || (k == HttpHead.HOST && !absolute)) {
                out.put(b, h.lineStart[i], h.valueEnd[i] - h.lineStart[i]).put(Ascii.CRLF);
                hostSent |= k == HttpHead.HOST;
            } else if (k == HttpHead.FORWARDED_FOR) {
                forwarded = true;
            }
        }
        // X-Forwarded-For lines are merged into one, in order (a list header may be combined, RFC 9110 §5.3).
        out.put(XFF);
        if (forwarded) {
            for (int i = 0; i < h.count; i++) {
                if (h.kind[i] == HttpHead.FORWARDED_FOR && h.valueEnd[i] > h.valueStart[i]) {
                    out.put(b, h.valueStart[i], h.valueEnd[i] - h.valueStart[i]).put(COMMA_SP);
                }
            }
        }
        out.put(clientIp).put(Ascii.CRLF);
        if (absolute) {
            out.put(HOST).put(b, h.authorityStart, h.authorityEnd - h.authorityStart).put(Ascii.CRLF);
        } else if (!hostSent) {
            out.put(HOST);
            Ascii.put(out, host);
            out.put((byte) ':');
            Ascii.putDecimal(out, port);
            out.put(Ascii.CRLF);
        }
        if (chunked) {
            out.put(CHUNKED);
        } else if (contentLength >= 0) {
            out.put(CONTENT_LENGTH);
            Ascii.putDecimal(out, contentLength);
            out.put(Ascii.CRLF);
        }
        out.put(Ascii.CRLF);
    }

    /**
     * Writes the client response head: the upstream status, its end-to-end headers, X-Served-By, the decision trace
     * (when {@code trace} is not null), and framing and connection headers chosen by the caller.
     */
    static void writeResponse(ResponseHead h, ByteBuffer out, byte[] servedBy, String trace, boolean chunkedToClient,
                              boolean keepAlive, boolean clientHttp10) {
        byte[] b = h.buf;
        out.put(STATUS_PREFIX).put(b, h.statusStart, h.statusLineEnd - h.statusStart).put(Ascii.CRLF);
        for (int i = 0; i < h.count; i++) {
            byte k = h.kind[i];
            if (k == HttpHead.OTHER || (k == HttpHead.CONTENT_LENGTH && !h.chunked)) {
                out.put(b, h.lineStart[i], h.valueEnd[i] - h.lineStart[i]).put(Ascii.CRLF);
            }
        }
        if (servedBy != null) {
            out.put(SERVED_BY).put(servedBy).put(Ascii.CRLF);
        }
        if (trace != null) {
            out.put(TRACE);
            Ascii.put(out, trace);
            out.put(Ascii.CRLF);
        }
        if (chunkedToClient) out.put(CHUNKED);
        if (!keepAlive) out.put(CLOSE);
        else if (clientHttp10) out.put(KEEP_ALIVE);
        out.put(Ascii.CRLF);
    }
}
