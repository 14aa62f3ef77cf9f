package lb.balancer.forward;

/** A parsed response head (see {@link HttpHead}): status code and the status line's tail to copy. */
final class ResponseHead extends HttpHead {

    int status;
    /** {@code buf[statusStart, statusLineEnd)} is "200 OK": copied after our own "HTTP/1.1 ". */
    int statusStart;
    int statusLineEnd;

    @Override
    int parseStartLine(byte[] b, int from, int lf) {
        int i = parseVersion(b, from, lf);
        if (i < 0 || i + 4 > lf || b[i] != ' ') return -1;
        statusStart = i + 1;
        int code = 0;
        for (int k = statusStart; k < statusStart + 3; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) return -1;
            code = code * 10 + d;
        }
        if (code < 100) return -1;
        int after = statusStart + 3; // RFC 9112 §4: exactly three digits, then SP (or, leniently, the line's end)
        if (after < lf && b[after] != ' ' && b[after] != '\r') return -1;
        status = code;
        int end = lf;
        if (end > statusStart && b[end - 1] == '\r') end--;
        statusLineEnd = end;
        return 0;
    }

    @Override
    byte classify(byte[] b, int from, int len) {
        return OTHER;
    }

    /** Whether the response carries no body whatever its headers say (RFC 9112 §6.3). */
    boolean bodyless(boolean requestWasHead) {
        return requestWasHead || status < 200 || status == 204 || status == 304;
    }
}
