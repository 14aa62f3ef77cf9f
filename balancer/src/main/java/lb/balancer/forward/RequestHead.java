package lb.balancer.forward;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import lb.balancer.routing.Target;

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
    private static final byte[] CONTINUE = Ascii.bytes("100-continue");

    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    boolean hasHost;
    boolean expectContinue;
    int requestIdHeader;
    /** The targeting headers (SPEC §8), for the balancer only: never forwarded. -1 when absent. */
    int regionHeader;
    int replicaHeader;
    /** A targeting header given more than once: which one counts would be a guess. */
    boolean targetRepeated;
    boolean isHead;
    boolean idempotent;
    /** "*" (OPTIONS *) has no path bytes to point at. */
    boolean asterisk;

    @Override
    void reset() {
        super.reset();
        hasHost = false;
        expectContinue = false;
        requestIdHeader = -1;
        regionHeader = -1;
        replicaHeader = -1;
        targetRepeated = false;
        asterisk = false;
    }

    @Override
    int parseStartLine(byte[] b, int from, int lf) {
        int i = from;
        while (i < lf && Ascii.isTchar(b[i])) i++;
        if (i == from || b[i] != ' ') return -1;
        methodEnd = i;
        int mLen = methodEnd - from;
        isHead = mLen == 4 && b[from] == 'H' && b[from + 1] == 'E' && b[from + 2] == 'A' && b[from + 3] == 'D';
        idempotent = isHead || (mLen == 3 && b[from] == 'G' && b[from + 1] == 'E' && b[from + 2] == 'T');
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
        return locatePath(b);
    }

    /** Origin form "/p?q", absolute form "http://h/p?q" (path "/" when empty) or "*". */
    private int locatePath(byte[] b) {
        int s = targetStart;
        if (b[s] == '/') {
            pathStart = s;
        } else if (targetEnd - s == 1 && b[s] == '*') {
            asterisk = true;
            pathStart = pathEnd = s;
            return 0;
        } else {
            int scheme = s;
            while (scheme < targetEnd && b[scheme] != ':') scheme++;
            if (scheme + 2 >= targetEnd || b[scheme + 1] != '/' || b[scheme + 2] != '/') return -1;
            int p = scheme + 3;
            while (p < targetEnd && b[p] != '/' && b[p] != '?') p++;
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
            case 11 -> Ascii.equalsLower(b, from, len, TARGET_REGION_NAME) ? TARGET_REGION : OTHER;
            case 12 -> Ascii.equalsLower(b, from, len, REQUEST_ID_NAME) ? REQUEST_ID
                    : Ascii.equalsLower(b, from, len, TARGET_REPLICA_NAME) ? TARGET_REPLICA : OTHER;
            case 15 -> Ascii.equalsLower(b, from, len, FORWARDED_FOR_NAME) ? FORWARDED_FOR : OTHER;
            default -> OTHER;
        };
    }

    private byte onHost() {
        hasHost = true;
        return HOST;
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
