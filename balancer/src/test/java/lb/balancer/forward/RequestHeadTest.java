package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadTest {

    private static RequestHead parse(String text, int expected) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        RequestHead h = new RequestHead();
        h.reset();
        assertEquals(expected, h.parse(b, 0, b.length));
        if (expected == HttpHead.OK) h.afterParse();
        return h;
    }

    private static String rewritten(RequestHead h) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        HeadWriter.writeRequest(h, out, "10.0.0.9".getBytes(), "replica", 8080, 0);
        return new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsMethodPathQueryKeyAndFraming() {
        RequestHead h = parse("GET /home?a=1&id=%37%37 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", HttpHead.OK);
        assertTrue(h.idempotent);
        assertEquals("/home", new String(h.buf, h.pathStart, h.pathLength(), StandardCharsets.ISO_8859_1));
        assertEquals("77", h.key(), "percent-decoded");
        assertTrue(h.keepAlive());
        assertFalse(h.hasBody());
    }

    @Test
    void prefersTheRequestIdHeaderAndIgnoresAnEmptyOne() {
        assertEquals("k1", parse("GET /?id=2 HTTP/1.1\r\nx-request-id: k1\r\n\r\n", HttpHead.OK).key());
        assertEquals("2", parse("GET /?id=2 HTTP/1.1\r\nX-Request-Id:\r\n\r\n", HttpHead.OK).key());
        assertNull(parse("GET /?ids=2 HTTP/1.1\r\n\r\n", HttpHead.OK).key());
    }

    @Test
    void waitsForTheBlankLine() {
        parse("GET / HTTP/1.1\r\nHost: x\r\n", HttpHead.INCOMPLETE);
    }

    @Test
    void findsThePathOfAnAbsoluteFormTarget() {
        RequestHead h = parse("GET http://example.com:80/a/b?q HTTP/1.1\r\n\r\n", HttpHead.OK);
        assertEquals("/a/b", new String(h.buf, h.pathStart, h.pathLength(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsWhatCannotBeParsedSafely() {
        parse("GET / HTTP/2.0\r\n\r\n", HttpHead.BAD);
        parse("GET /\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\n folded: x\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nX-A: b\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", HttpHead.BAD);
    }

    @Test
    void flagsHeadersTooLarge() {
        parse("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpHead.MAX_HEAD) + "\r\n\r\n", HttpHead.TOO_LARGE);
        parse("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpHead.MAX_HEAD), HttpHead.TOO_LARGE);
    }

    @Test
    void http10KeepsAliveOnlyWhenAsked() {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n", HttpHead.OK).keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", HttpHead.OK).keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", HttpHead.OK).keepAlive());
    }

    @Test
    void rewriteDropsHopByHopMergesForwardedForAndAddsMissingHost() {
        RequestHead h = parse("GET /p HTTP/1.0\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nTE: trailers\r\n"
                + "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\nAccept: */*\r\n\r\n", HttpHead.OK);
        assertEquals("GET /p HTTP/1.1\r\nAccept: */*\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\n"
                + "Host: replica:8080\r\n\r\n", rewritten(h));
    }
}
