package lb.balancer.forward;

import java.util.Arrays;

/**
 * The header section of one HTTP/1.x message, parsed in place and strictly (RFC 9112): every header is a set of
 * offsets into the caller's byte array, classified once so rewriting is a copy of the lines that survive. Subclasses
 * parse the start line.
 *
 * <p>What is refused, and why (each is a way to make two parsers disagree about where a message ends):
 * <ul>
 *   <li>a bare CR anywhere in the head (§2.2), a line folded onto the previous one (§5.2), whitespace before a
 *       field's colon (§5.1), control bytes in a value (RFC 9110 §5.5; bytes 0x80-0xFF are obs-text and allowed);</li>
 *   <li>Content-Length that is not one decimal number, or given twice with different values (§6.3);</li>
 *   <li>Transfer-Encoding with Content-Length (§6.1), chunked given twice or not last, or any transfer coding on an
 *       HTTP/1.0 message; a coding other than chunked is {@link #UNSUPPORTED} (501, §6.1);</li>
 *   <li>Connection naming a framing header (Content-Length, Transfer-Encoding) or Host.</li>
 * </ul>
 * Headers named in Connection are hop-by-hop (RFC 9110 §7.6.1), however many tokens it lists.
 *
 * <p>Not thread-safe; one instance per connection, reused for every message.
 */
abstract class HttpHead {

    static final int INCOMPLETE = 0, OK = 1, BAD = 2, TOO_LARGE = 3, UNSUPPORTED = 4;
    /**
     * Longest accepted head, start line included (larger: 431 for requests, 502 for responses). One buffer less the
     * room a rewrite may add (X-Forwarded-For, Host, Content-Length; HAProxy's {@code maxrewrite} is 1 KB too).
     */
    static final int MAX_HEAD = BufferPool.SIZE - 1024;
    static final int MAX_HEADERS = 100;

    /** Header kinds: {@link #OTHER} headers are copied, {@link #HOP} ones dropped, the rest handled specially. */
    static final byte OTHER = 0, HOP = 1, CONTENT_LENGTH = 2, TRANSFER_ENCODING = 3, CONNECTION = 4,
            FORWARDED_FOR = 5, HOST = 6, REQUEST_ID = 7, EXPECT = 8, TARGET_REGION = 9, TARGET_REPLICA = 10,
            TRACE = 11;

    private static final byte[] CONNECTION_NAME = Ascii.bytes("connection");
    private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
    private static final byte[] CLOSE = Ascii.bytes("close");
    private static final byte[] CHUNKED = Ascii.bytes("chunked");
    private static final byte[] TE = Ascii.bytes("te");
    private static final byte[] TRAILER = Ascii.bytes("trailer");
    private static final byte[] UPGRADE = Ascii.bytes("upgrade");
    private static final byte[] PROXY_CONNECTION = Ascii.bytes("proxy-connection");
    private static final byte[] CONTENT_LENGTH_NAME = Ascii.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING_NAME = Ascii.bytes("transfer-encoding");
    private static final byte[] HOST_NAME = Ascii.bytes("host");

    byte[] buf;
    /** Index just after the blank line ending the head. */
    int headEnd;
    boolean http10;
    int count;
    // Grown on demand up to MAX_HEADERS: an idle connection's head costs a few hundred bytes, not a few KB.
    int[] lineStart = new int[16];
    int[] nameEnd = new int[16];
    int[] valueStart = new int[16];
    int[] valueEnd = new int[16];
    byte[] kind = new byte[16];
    long contentLength;
    boolean chunked;
    boolean connectionClose;
    boolean connectionKeepAlive;

    private int scanFrom;
    private boolean unsupportedCoding;
    private boolean connectionTokens;

    void reset() {
        scanFrom = 0;
        headEnd = 0;
        count = 0;
        contentLength = -1;
        chunked = false;
        unsupportedCoding = false;
        connectionTokens = false;
        connectionClose = false;
        connectionKeepAlive = false;
        http10 = false;
    }

    /**
     * Parses the head that starts at {@code b[from]} if {@code b[from, limit)} holds all of it. Resumable: call again
     * with more bytes after {@link #INCOMPLETE}; the scan continues where it stopped.
     */
    final int parse(byte[] b, int from, int limit) {
        buf = b;
        int end = findHeadEnd(b, Math.max(from, scanFrom), limit);
        if (end < 0) {
            scanFrom = Math.max(from, limit - 3);
            return limit - from > MAX_HEAD ? TOO_LARGE : INCOMPLETE;
        }
        if (end - from > MAX_HEAD) return TOO_LARGE;
        headEnd = end;
        int lf = Ascii.indexOfLf(b, from, end);
        if (parseStartLine(b, from, lf) < 0) return BAD;
        int r = parseHeaders(b, lf + 1, end);
        if (r != OK) return r;
        if (chunked && http10) return BAD; // RFC 9112 §6.1: faulty framing
        if (unsupportedCoding) return UNSUPPORTED;
        return validate() ? OK : BAD;
    }

    /** Checks what only the whole head can tell (e.g. the Host rules of requests); true when acceptable. */
    boolean validate() {
        return true;
    }

    /** Parses the start line {@code b[from, lf)}; returns a non-negative value on success, -1 when malformed. */
    abstract int parseStartLine(byte[] b, int from, int lf);

    /** Classifies a header name beyond the ones every message shares; returns {@link #OTHER} when not special. */
    abstract byte classify(byte[] b, int from, int len);

    private static int findHeadEnd(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] != Ascii.LF) continue;
            if (i + 1 < limit && b[i + 1] == Ascii.LF) return i + 2;
            if (i + 2 < limit && b[i + 1] == Ascii.CR && b[i + 2] == Ascii.LF) return i + 3;
        }
        return -1;
    }

    /** End of the line content ending at {@code lf}: before its CR, if any. */
    static int contentEnd(byte[] b, int lineFrom, int lf) {
        return lf > lineFrom && b[lf - 1] == Ascii.CR ? lf - 1 : lf;
    }

    private int parseHeaders(byte[] b, int i, int end) {
        int blank = b[end - 2] == Ascii.LF ? end - 1 : end - 2; // where the empty line ending the head starts
        while (i < blank) {
            if (count == MAX_HEADERS) return TOO_LARGE;
            int start = i;
            while (b[i] != ':') {
                // Also rejects obs-fold (a line starting with whitespace), whitespace before the colon, a bare CR.
                if (!Ascii.isTchar(b[i])) return BAD;
                i++;
            }
            if (i == start) return BAD;
            int nEnd = i++;
            int lf = Ascii.indexOfLf(b, i, end);
            int vEnd = contentEnd(b, i, lf);
            while (i < vEnd && (b[i] == ' ' || b[i] == '\t')) i++;
            int vStart = i;
            while (vEnd > vStart && (b[vEnd - 1] == ' ' || b[vEnd - 1] == '\t')) vEnd--;
            for (int k = vStart; k < vEnd; k++) {
                int c = b[k] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) return BAD;
            }
            ensureRoom();
            lineStart[count] = start;
            nameEnd[count] = nEnd;
            valueStart[count] = vStart;
            valueEnd[count] = vEnd;
            byte k = classifyCommon(b, start, nEnd - start);
            kind[count] = k;
            if (!onHeader(k, b, vStart, vEnd)) return BAD;
            count++;
            i = lf + 1;
        }
        // The empty line itself must be CRLF or LF: a bare CR there is what smuggles a second request.
        if (i != blank || (b[blank] == Ascii.CR && blank + 1 != end - 1)) return BAD;
        if (connectionTokens && !dropConnectionNominated(b)) return BAD;
        return OK;
    }

    private void ensureRoom() {
        if (count < lineStart.length) return;
        int n = Math.min(MAX_HEADERS, lineStart.length * 2);
        lineStart = Arrays.copyOf(lineStart, n);
        nameEnd = Arrays.copyOf(nameEnd, n);
        valueStart = Arrays.copyOf(valueStart, n);
        valueEnd = Arrays.copyOf(valueEnd, n);
        kind = Arrays.copyOf(kind, n);
    }

    private byte classifyCommon(byte[] b, int from, int len) {
        return switch (len) {
            case 2 -> Ascii.equalsLower(b, from, len, TE) ? HOP : classify(b, from, len);
            case 7 -> Ascii.equalsLower(b, from, len, TRAILER) || Ascii.equalsLower(b, from, len, UPGRADE)
                    ? HOP : classify(b, from, len);
            case 10 -> Ascii.equalsLower(b, from, len, CONNECTION_NAME) ? CONNECTION
                    : Ascii.equalsLower(b, from, len, KEEP_ALIVE) ? HOP : classify(b, from, len);
            case 14 -> Ascii.equalsLower(b, from, len, CONTENT_LENGTH_NAME) ? CONTENT_LENGTH : classify(b, from, len);
            case 16 -> Ascii.equalsLower(b, from, len, PROXY_CONNECTION) ? HOP : classify(b, from, len);
            case 17 -> Ascii.equalsLower(b, from, len, TRANSFER_ENCODING_NAME) ? TRANSFER_ENCODING
                    : classify(b, from, len);
            default -> classify(b, from, len);
        };
    }

    /** Records what the framing headers say; false when they are contradictory or malformed. */
    private boolean onHeader(byte k, byte[] b, int vStart, int vEnd) {
        switch (k) {
            case CONTENT_LENGTH -> {
                long v = Ascii.parseDecimal(b, vStart, vEnd);
                if (v < 0 || (contentLength >= 0 && contentLength != v)) return false;
                contentLength = v;
            }
            case TRANSFER_ENCODING -> {
                if (vStart == vEnd) return false;
                for (int s = vStart; s < vEnd; ) {
                    int e = s;
                    while (e < vEnd && b[e] != ',') e++;
                    int ts = trimStart(b, s, e), te = trimEnd(b, ts, e);
                    if (te > ts) {
                        if (chunked) return false; // chunked must be the last coding, applied once (§6.1)
                        if (Ascii.equalsLower(b, ts, te - ts, CHUNKED)) chunked = true;
                        else unsupportedCoding = true;
                    }
                    s = e + 1;
                }
            }
            case CONNECTION -> {
                for (int s = vStart; s < vEnd; ) {
                    int e = s;
                    while (e < vEnd && b[e] != ',') e++;
                    int ts = trimStart(b, s, e), te = trimEnd(b, ts, e);
                    if (Ascii.equalsLower(b, ts, te - ts, CLOSE)) connectionClose = true;
                    else if (Ascii.equalsLower(b, ts, te - ts, KEEP_ALIVE)) connectionKeepAlive = true;
                    else if (te > ts) connectionTokens = true;
                    s = e + 1;
                }
            }
            default -> { }
        }
        // A message with both is a request-smuggling vector (RFC 9112 §6.1): refuse rather than guess.
        return !((chunked || unsupportedCoding) && contentLength >= 0);
    }

    private static int trimStart(byte[] b, int s, int e) {
        while (s < e && (b[s] == ' ' || b[s] == '\t')) s++;
        return s;
    }

    private static int trimEnd(byte[] b, int s, int e) {
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) e--;
        return e;
    }

    /**
     * Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1): every token of every Connection header is
     * matched against every header. False when a token names a framing header or Host, whose removal would change
     * where the message ends or where it goes.
     */
    private boolean dropConnectionNominated(byte[] b) {
        for (int c = 0; c < count; c++) {
            if (kind[c] != CONNECTION) continue;
            for (int s = valueStart[c], vEnd = valueEnd[c]; s < vEnd; ) {
                int e = s;
                while (e < vEnd && b[e] != ',') e++;
                int ts = trimStart(b, s, e), te = trimEnd(b, ts, e);
                if (te > ts && !nominate(b, ts, te - ts)) return false;
                s = e + 1;
            }
        }
        return true;
    }

    private boolean nominate(byte[] b, int ts, int len) {
        if (Ascii.equalsLower(b, ts, len, CONTENT_LENGTH_NAME) || Ascii.equalsLower(b, ts, len, TRANSFER_ENCODING_NAME)
                || Ascii.equalsLower(b, ts, len, HOST_NAME)) {
            return false;
        }
        for (int h = 0; h < count; h++) {
            if (kind[h] != CONNECTION && kind[h] != HOP
                    && Ascii.equalsIgnoreCase(b, lineStart[h], nameEnd[h] - lineStart[h], ts, len)) {
                kind[h] = HOP;
            }
        }
        return true;
    }

    /** Parses "HTTP/1.0" or "HTTP/1.1" at {@code b[i]}; returns the index after it or -1. */
    final int parseVersion(byte[] b, int i, int limit) {
        if (limit - i < 8 || b[i] != 'H' || b[i + 1] != 'T' || b[i + 2] != 'T' || b[i + 3] != 'P'
                || b[i + 4] != '/' || b[i + 5] != '1' || b[i + 6] != '.') {
            return -1;
        }
        if (b[i + 7] == '0') http10 = true;
        else if (b[i + 7] != '1') return -1;
        return i + 8;
    }

    /** Whether the sender wants the connection kept open after this message. */
    final boolean keepAlive() {
        return http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    }
}
