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
        HeadWriter.writeRequest(h, out, "10.0.0.9".getBytes(), "replica", 8080, -1, false);
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
        assertEquals("k1", parse("GET /?id=2 HTTP/1.1\r\nHost: a\r\nx-request-id: k1\r\n\r\n", HttpHead.OK).key());
        assertEquals("2", parse("GET /?id=2 HTTP/1.1\r\nHost: a\r\nX-Request-Id:\r\n\r\n", HttpHead.OK).key());
        assertNull(parse("GET /?ids=2 HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.OK).key());
    }

    @Test
    void waitsForTheBlankLine() {
        parse("GET / HTTP/1.1\r\nHost: x\r\n", HttpHead.INCOMPLETE);
    }

    @Test
    void findsThePathOfAnAbsoluteFormTarget() {
        RequestHead h = parse("GET http://example.com:80/a/b?q HTTP/1.1\r\nHost: other\r\n\r\n", HttpHead.OK);
        assertEquals("/a/b", new String(h.buf, h.pathStart, h.pathLength(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsWhatCannotBeParsedSafely() {
        parse("GET / HTTP/2.0\r\n\r\n", HttpHead.BAD);
        parse("GET /\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\n folded: x\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", HttpHead.UNSUPPORTED);
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
        assertFalse(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", HttpHead.OK).keepAlive());
    }

    @Test
    void rewriteDropsHopByHopMergesForwardedForAndAddsMissingHost() {
        RequestHead h = parse("GET /p HTTP/1.0\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nTE: trailers\r\n"
                + "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\nAccept: */*\r\n\r\n", HttpHead.OK);
        assertEquals("GET /p HTTP/1.1\r\nAccept: */*\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\n"
                + "Host: replica:8080\r\n\r\n", rewritten(h));
    }

    // ---- issue 11, probe 5 and point 7: strict RFC 9112 heads ----

    @Test
    void aHeaderLineStartingWithABareCrIsRejectedNotTheEndOfTheHead() {
        // Before: the head ended at the bare CR, Content-Length was dropped and "hello" parsed as a second request.
        parse("POST / HTTP/1.1\r\nHost: a\r\n\rContent-Length: 5\r\n\r\nhello", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\r\nX: b\r \r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", HttpHead.INCOMPLETE);
    }

    @Test
    void http11NeedsExactlyOneValidHost() {
        parse("GET / HTTP/1.1\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a,b\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a:80\r\n\r\n", HttpHead.OK);
        parse("GET / HTTP/1.1\r\nHost:\r\n\r\n", HttpHead.OK);
        parse("GET / HTTP/1.0\r\n\r\n", HttpHead.OK);
    }

    @Test
    void anAbsoluteFormTargetIsSentInOriginFormWithItsAuthorityAsHost() {
        RequestHead h = parse("GET http://example.com:81/a?q=1 HTTP/1.1\r\nHost: other\r\n\r\n", HttpHead.OK);
        assertEquals("GET /a?q=1 HTTP/1.1\r\nX-Forwarded-For: 10.0.0.9\r\nHost: example.com:81\r\n\r\n",
                rewritten(h));
        RequestHead bare = parse("GET HTTP://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", HttpHead.OK);
        assertTrue(rewritten(bare).startsWith("GET / HTTP/1.1\r\n"));
        parse("GET http://user@example.com/ HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.BAD);
        parse("GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.BAD);
        parse("GET * HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.BAD);
        parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.OK);
    }

    @Test
    void everyConnectionTokenIsHopByHopHoweverManyThereAre() {
        StringBuilder tokens = new StringBuilder("Connection: ");
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            tokens.append(i == 0 ? "" : ", ").append("X-T").append(i);
            headers.append("X-T").append(i).append(": v\r\n");
        }
        RequestHead h = parse("GET / HTTP/1.1\r\nHost: a\r\n" + tokens + "\r\n" + headers
                + "Connection: X-Forwarded-For\r\nX-Forwarded-For: 6.6.6.6\r\nKeep: me\r\n\r\n", HttpHead.OK);
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nKeep: me\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n", rewritten(h),
                "the 17th to 20th tokens and X-Forwarded-For are stripped too");
        parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Host\r\n\r\n", HttpHead.BAD);
        parse("POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 1\r\n\r\n", HttpHead.BAD);
    }

    @Test
    void headerBytesFrom0x80AreObsTextAndAccepted() {
        RequestHead h = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9 \u00ff\r\n\r\n", HttpHead.OK);
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9 \u00ff\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n",
                rewritten(h));
        parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", HttpHead.BAD);
        parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n", HttpHead.BAD);
    }

    @Test
    void onlyASingleChunkedCodingIsAccepted() {
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpHead.UNSUPPORTED);
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", HttpHead.BAD);
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                HttpHead.BAD);
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", HttpHead.BAD);
        parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HttpHead.BAD);
        assertTrue(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  Chunked \r\n\r\n", HttpHead.OK).chunked);
    }

    @Test
    void idempotentMethodsAreThoseOfRfc9110() {
        for (String m : new String[] {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}) {
            assertTrue(parse(m + " / HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.OK).idempotent, m);
        }
        for (String m : new String[] {"POST", "PATCH", "get", "CONNECTX"}) {
            assertFalse(parse(m + " / HTTP/1.1\r\nHost: a\r\n\r\n", HttpHead.OK).idempotent, m);
        }
    }
}
