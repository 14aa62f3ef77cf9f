package lb.balancer.forward;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import lb.balancer.routing.Target;
import lb.balancer.trace.KeySource;

/**
 * A parsed request head (see {@link HttpHead}) plus what routing needs: method, target, path, query, key header.
 */
final class RequestHead extends HttpHead {

    private static final byte[] HOST_NAME = Ascii.bytes("host");
    private static final byte[] EXPECT_NAME = Ascii.bytes("expect");
    private static final byte[] REQUEST_ID_NAME = Ascii.bytes("x-request-id");
    private static final byte[] FORWARDED_FOR_NAME = Ascii.bytes("x-forwarded-for");
    private static final byte[] TARGET_REGION_NAME = Ascii.bytes("x-lb-region");
    private static final byte[] TARGET_REPLICA_NAME = Ascii.bytes("x-lb-replica");
    private static final byte[] TRACE_NAME = Ascii.bytes("x-lb-trace");
    private static final byte[] ONE = Ascii.bytes("1");
    private static final byte[] CONTINUE = Ascii.bytes("100-continue");

    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    /** Absolute form ("http://authority/path"): {@code buf[authorityStart, authorityEnd)}, else both -1. */
    int authorityStart = -1;
    int authorityEnd = -1;
    boolean hasHost;
    /** The Host header given more than once (RFC 9112 §3.2: a 400). */
    boolean hostRepeated;
    int hostHeader;
    boolean expectContinue;
    int requestIdHeader;
    /** The targeting headers (SPEC §8), for the balancer only: never forwarded. -1 when absent. */
    int regionHeader;
    int replicaHeader;
    /** A targeting header given more than once: which one counts would be a guess. */
    boolean targetRepeated;
    /** {@code X-LB-Trace: 1} was sent (the balancer's header: never forwarded). */
    boolean traced;
    boolean isHead;
    boolean idempotent;
    /** "*" (OPTIONS *) has no path bytes to point at. */
    boolean asterisk;

    @Override
    void reset() {
        super.reset();
        hasHost = false;
        hostRepeated = false;
        hostHeader = -1;
        authorityStart = authorityEnd = -1;
        expectContinue = false;
        requestIdHeader = -1;
        regionHeader = -1;
        replicaHeader = -1;
        targetRepeated = false;
        traced = false;
        asterisk = false;
    }

    @Override
    int parseStartLine(byte[] b, int from, int lf) {
        int i = from;
        while (i < lf && Ascii.isTchar(b[i])) i++;
        if (i == from || b[i] != ' ') return -1;
        methodEnd = i;
        int mLen = methodEnd - from;
        isHead = is(b, from, mLen, HEAD);
        idempotent = isIdempotent(b, from, mLen);
        targetStart = ++i;
        while (i < lf && b[i] != ' ') {
            if ((b[i] & 0xff) <= 0x20 || b[i] == 0x7f) return -1;
            i++;
        }
        targetEnd = i;
        if (targetEnd == targetStart || i == lf) return -1;
        int v = parseVersion(b, i + 1, lf);
        if (v < 0) return -1;
        if (v != lf && !(v == lf - 1 && b[v] == '\r')) return -1;
        return locatePath(b, mLen == 7 && is(b, from, mLen, OPTIONS));
    }

    private static final byte[] HEAD = Ascii.bytes("HEAD");
    private static final byte[] OPTIONS = Ascii.bytes("OPTIONS");
    private static final byte[][] IDEMPOTENT = {Ascii.bytes("GET"), HEAD, OPTIONS, Ascii.bytes("PUT"),
            Ascii.bytes("DELETE"), Ascii.bytes("TRACE")};
    private static final byte[] HTTP_SCHEME = Ascii.bytes("http://");

    /** Methods are case-sensitive (RFC 9110 §9.1). */
    private static boolean is(byte[] b, int from, int len, byte[] method) {
        return len == method.length && java.util.Arrays.equals(b, from, from + len, method, 0, len);
    }

    /** RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be sent again without changing the outcome. */
    private static boolean isIdempotent(byte[] b, int from, int len) {
        for (byte[] m : IDEMPOTENT) {
            if (is(b, from, len, m)) return true;
        }
        return false;
    }

    /**
     * Origin form "/p?q", absolute form "http://authority/p?q" (path "/" when empty) or "*" (OPTIONS only, RFC 9112
     * §3.2.4). Authority form is CONNECT's, and this is no forward proxy: refused.
     */
    private int locatePath(byte[] b, boolean options) {
        int s = targetStart;
        if (b[s] == '/') {
            pathStart = s;
        } else if (targetEnd - s == 1 && b[s] == '*') {
            if (!options) return -1;
            asterisk = true;
            pathStart = pathEnd = s;
            return 0;
        } else {
            if (targetEnd - s <= HTTP_SCHEME.length || !Ascii.equalsLower(b, s, HTTP_SCHEME.length, HTTP_SCHEME)) {
                return -1;
            }
            int p = s + HTTP_SCHEME.length;
            authorityStart = p;
            while (p < targetEnd && b[p] != '/' && b[p] != '?' && b[p] != '#') p++;
            authorityEnd = p;
            // An empty authority, or userinfo ("user@host", RFC 9110 §4.2.4), is not a usable target.
            if (authorityEnd == authorityStart || !validHost(b, authorityStart, authorityEnd)) return -1;
            pathStart = p;
        }
        int e = pathStart;
        while (e < targetEnd && b[e] != '?' && b[e] != '#') e++;
        pathEnd = e;
        return 0;
    }

    @Override
    byte classify(byte[] b, int from, int len) {
        return switch (len) {
            case 4 -> Ascii.equalsLower(b, from, len, HOST_NAME) ? onHost() : OTHER;
            case 6 -> Ascii.equalsLower(b, from, len, EXPECT_NAME) ? EXPECT : OTHER;
            case 10 -> Ascii.equalsLower(b, from, len, TRACE_NAME) ? TRACE : OTHER;
            case 11 -> Ascii.equalsLower(b, from, len, TARGET_REGION_NAME) ? TARGET_REGION : OTHER;
            case 12 -> Ascii.equalsLower(b, from, len, REQUEST_ID_NAME) ? REQUEST_ID
                    : Ascii.equalsLower(b, from, len, TARGET_REPLICA_NAME) ? TARGET_REPLICA : OTHER;
            case 15 -> Ascii.equalsLower(b, from, len, FORWARDED_FOR_NAME) ? FORWARDED_FOR : OTHER;
            default -> OTHER;
        };
    }

    private byte onHost() {
        hostRepeated |= hasHost;
        hasHost = true;
        hostHeader = count;
        return HOST;
    }

    /**
     * RFC 9112 §3.2: HTTP/1.1 requests carry exactly one Host; a missing, repeated or malformed one is a 400. With an
     * absolute-form target the authority wins over Host (§3.2.2), and is what the replica gets as Host.
     */
    @Override
    boolean validate() {
        if (hostRepeated || (!http10 && !hasHost)) return false;
        return !hasHost || validHost(buf, valueStart[hostHeader], valueEnd[hostHeader]);
    }

    /** uri-host [":" port] (RFC 3986 §3.2.2): reg-name or IP literal characters only; empty is allowed. */
    private static boolean validHost(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~%!$&'()*+;=:[]".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /** Called after a successful parse: records the key header, the targeting headers and Expect. */
    void afterParse() {
        for (int h = 0; h < count; h++) {
            if (kind[h] == REQUEST_ID && requestIdHeader < 0 && valueEnd[h] > valueStart[h]) {
                requestIdHeader = h;
            } else if (kind[h] == TARGET_REGION) {
                targetRepeated |= regionHeader >= 0;
                regionHeader = h;
            } else if (kind[h] == TARGET_REPLICA) {
                targetRepeated |= replicaHeader >= 0;
                replicaHeader = h;
            } else if (kind[h] == TRACE) {
                traced |= Ascii.equalsLower(buf, valueStart[h], valueEnd[h] - valueStart[h], ONE);
            } else if (kind[h] == EXPECT
                    && Ascii.equalsLower(buf, valueStart[h], valueEnd[h] - valueStart[h], CONTINUE)) {
                expectContinue = true;
            }
        }
    }

    /** Whether the client sent a targeting header (then {@link #targetProblem} and {@link #target} apply). */
    boolean targeted() {
        return regionHeader >= 0 || replicaHeader >= 0;
    }

    /** What is wrong with the targeting headers (a 400), or null. */
    String targetProblem() {
        if (targetRepeated) return "X-LB-Region and X-LB-Replica may each be given once";
        return Target.problem(value(regionHeader), value(replicaHeader));
    }

    Target target() {
        return new Target(value(regionHeader), value(replicaHeader));
    }

    private String value(int header) {
        return header < 0 ? null
                : new String(buf, valueStart[header], valueEnd[header] - valueStart[header], StandardCharsets.ISO_8859_1);
    }

    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    int pathLength() {
        return pathEnd - pathStart;
    }

    /** Where {@link #key()} comes from (asked for traced requests only). */
    KeySource keySource() {
        return requestIdHeader >= 0 ? KeySource.HEADER : queryId() != null ? KeySource.QUERY : KeySource.RANDOM;
    }

    /** The client's key: X-Request-Id, else query parameter {@code id}; null when neither is present. */
    String key() {
        if (requestIdHeader >= 0) {
            int s = valueStart[requestIdHeader];
            return new String(buf, s, valueEnd[requestIdHeader] - s, StandardCharsets.ISO_8859_1);
        }
        return queryId();
    }

    private String queryId() {
        int i = pathEnd;
        if (i >= targetEnd || buf[i] != '?') return null;
        i++;
        while (i < targetEnd) {
            int e = i;
            while (e < targetEnd && buf[e] != '&' && buf[e] != '#') e++;
            if (e - i > 3 && buf[i] == 'i' && buf[i + 1] == 'd' && buf[i + 2] == '=') {
                String raw = new String(buf, i + 3, e - i - 3, StandardCharsets.ISO_8859_1);
                return raw.indexOf('%') >= 0 || raw.indexOf('+') >= 0 ? decode(raw) : raw;
            }
            if (e < targetEnd && buf[e] == '#') break;
            i = e + 1;
        }
        return null;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return raw;
        }
    }
}
