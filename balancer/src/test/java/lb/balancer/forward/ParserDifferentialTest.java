package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Issue 11.8: a well-kept parser as the oracle. Generated request heads, valid and malformed (framing headers,
 * folding, control and high bytes, chunk sizes, Host variants, pipelining), are parsed by ours ({@link RequestHead})
 * and by Netty's {@link HttpRequestDecoder}. They must agree on accept or reject and, when both accept, on method,
 * target, headers and body framing.
 *
 * <p>Where they disagree, the head carries one of the features listed in {@link #OURS_STRICTER}: each is a place
 * where Netty is lenient (it is a general-purpose decoder, not a proxy that must not be desynchronised) and the RFC
 * clause next to it makes our rejection right. Any other disagreement fails the test.
 */
class ParserDifferentialTest {

    /** Features of a generated head on which we reject what Netty accepts, with the clause that makes ours right. */
    static final Map<String, String> OURS_STRICTER = Map.ofEntries(
            Map.entry("no-host", "RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request that lacks Host"),
            Map.entry("two-hosts", "RFC 9112 §3.2: ... or that contains more than one Host header field line"),
            Map.entry("bad-host", "RFC 9112 §3.2: ... or a Host header field with an invalid field value"),
            Map.entry("cl-and-te", "RFC 9112 §6.3 (3): Transfer-Encoding with Content-Length ought to be handled as an"
                    + " error (a smuggling attempt); §6.1: a server MAY reject it"),
            Map.entry("te-not-last", "RFC 9112 §6.3 (4): chunked not the final coding of a request: the server MUST"
                    + " respond 400"),
            Map.entry("te-unknown", "RFC 9112 §6.1: a server that receives a transfer coding it does not understand"
                    + " SHOULD respond 501"),
            Map.entry("te-twice", "RFC 9112 §6.1: a sender MUST NOT apply chunked more than once"),
            Map.entry("te-http10", "RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as"
                    + " having faulty framing"),
            Map.entry("obs-fold", "RFC 9112 §5.2: a server MUST either reject obs-fold with 400 or replace it by SP"),
            Map.entry("connection-framing", "RFC 9110 §7.6.1: Connection must not name a field meant for every"
                    + " recipient; dropping Content-Length, Transfer-Encoding or Host hop by hop would change framing"),
            Map.entry("asterisk-not-options", "RFC 9112 §3.2.4: the asterisk form is only used for OPTIONS"),
            Map.entry("ctl-in-value", "RFC 9110 §5.5: a field value is VCHAR, SP, HTAB and obs-text; CTLs are invalid"),
            Map.entry("bare-cr", "RFC 9112 §2.2: a bare CR MUST be considered invalid (or replaced by SP)"),
            Map.entry("authority-form", "RFC 9112 §3.2.3: authority form is only for CONNECT; this is no forward"
                    + " proxy"),
            Map.entry("cl-list", "RFC 9110 §8.6: a recipient MAY reject a list of equal Content-Length values"),
            Map.entry("bad-version", "RFC 9112 §2.3: HTTP-version is the case-sensitive HTTP/DIGIT.DIGIT, and a major"
                    + " version other than 1 is not this protocol (RFC 9110 §15.6.6)"));

    /** Features on which the RFC lets a recipient either accept or reject, so we may accept what Netty rejects. */
    static final Map<String, String> EITHER_ALLOWED = Map.of(
            "cl-list", "RFC 9110 §8.6: repeated equal Content-Length values MAY be rejected or replaced by one value");

    private static final AtomicInteger RUN = new AtomicInteger();
    private static final AtomicInteger BOTH_ACCEPTED = new AtomicInteger();
    private static final AtomicInteger BOTH_REJECTED = new AtomicInteger();
    private static final AtomicInteger BOTH_ACCEPTED_OURS_ONLY = new AtomicInteger();
    private static final Map<String, AtomicInteger> EXPLAINED = new java.util.concurrent.ConcurrentHashMap<>();

    record Head(String text, Set<String> features) {
        @Override
        public String toString() {
            return features + " " + text.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    @Property(tries = 5000, seed = "20261202")
    void oursAndNettyAgreeOrTheDifferenceIsAnRfcClause(@ForAll("heads") Head head) {
        RUN.incrementAndGet();
        byte[] bytes = head.text().getBytes(StandardCharsets.ISO_8859_1);
        RequestHead ours = new RequestHead();
        ours.reset();
        int r = ours.parse(bytes, 0, bytes.length);
        boolean oursAccepts = r == HttpHead.OK;
        if (oursAccepts) ours.afterParse();
        HttpRequest netty = netty(bytes);
        boolean nettyAccepts = netty != null && !netty.decoderResult().isFailure();

        if (oursAccepts && nettyAccepts) {
            BOTH_ACCEPTED.incrementAndGet();
            assertSameMessage(head, bytes, ours, netty);
        } else if (!oursAccepts && !nettyAccepts) {
            BOTH_REJECTED.incrementAndGet();
        } else {
            Set<String> explained = new TreeSet<>(head.features());
            explained.retainAll(oursAccepts ? EITHER_ALLOWED.keySet() : OURS_STRICTER.keySet());
            assertTrue(!explained.isEmpty(), (oursAccepts ? "we accept what Netty rejects" : "we reject (" + r
                    + ") what Netty accepts") + ", with no clause listed: " + head);
            if (oursAccepts) BOTH_ACCEPTED_OURS_ONLY.incrementAndGet();
            explained.forEach(f -> EXPLAINED.computeIfAbsent(f, k -> new AtomicInteger()).incrementAndGet());
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("ParserDifferentialTest: " + RUN.get() + " generated heads, " + BOTH_ACCEPTED.get()
                + " accepted by both (same method, target, headers, framing), " + BOTH_REJECTED.get()
                + " rejected by both, " + BOTH_ACCEPTED_OURS_ONLY.get() + " accepted by ours only (RFC allows either),"
                + " disagreements by feature: " + new java.util.TreeMap<>(EXPLAINED));
    }

    private static HttpRequest netty(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder());
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            for (Object o; (o = ch.readInbound()) != null; ) {
                if (o instanceof HttpRequest req) return req;
                if (o instanceof HttpObject obj && obj.decoderResult().isFailure()) return null;
            }
            return null;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void assertSameMessage(Head head, byte[] b, RequestHead ours, HttpRequest netty) {
        assertEquals(netty.method().name(), new String(b, 0, ours.methodEnd, StandardCharsets.ISO_8859_1), "method " + head);
        assertEquals(netty.uri(), new String(b, ours.targetStart, ours.targetEnd - ours.targetStart,
                StandardCharsets.ISO_8859_1), "target " + head);
        List<String> ourHeaders = new ArrayList<>();
        for (int i = 0; i < ours.count; i++) {
            String name = new String(b, ours.lineStart[i], ours.nameEnd[i] - ours.lineStart[i], StandardCharsets.ISO_8859_1);
            String value = new String(b, ours.valueStart[i], ours.valueEnd[i] - ours.valueStart[i],
                    StandardCharsets.ISO_8859_1);
            ourHeaders.add(name.toLowerCase(Locale.ROOT) + ": " + value.strip());
        }
        List<String> nettyHeaders = new ArrayList<>();
        netty.headers().iteratorAsString().forEachRemaining(e ->
                nettyHeaders.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue().strip()));
        assertEquals(nettyHeaders, ourHeaders, "headers " + head);
        assertEquals(HttpUtil.isTransferEncodingChunked(netty), ours.chunked, "chunked " + head);
        if (!ours.chunked) {
            assertEquals(HttpUtil.getContentLength(netty, -1L), ours.contentLength, "Content-Length " + head);
        }
    }

    // ---- the generator ----

    @Provide
    Arbitrary<Head> heads() {
        return Arbitraries.randomValue(ParserDifferentialTest::generate);
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"};
    private static final String[] TARGETS = {"/", "/home", "/a/b?c=d&e", "/%ff%00", "/caf\u00e9", "/x#frag"};

    static Head generate(Random r) {
        Set<String> f = new TreeSet<>();
        StringBuilder h = new StringBuilder();
        // Half the heads are well-formed, so the comparison of accepted messages gets as many cases as the rejections.
        boolean clean = r.nextBoolean();
        String method = pick(r, METHODS);
        if (!clean && r.nextInt(25) == 0) {
            method = pick(r, new String[] {"GE T", "G(T", "", "GET\u0001"});
            f.add("bad-method");
        }
        boolean http10 = r.nextInt(6) == 0;
        String version = http10 ? "HTTP/1.0" : "HTTP/1.1";
        if (!clean && r.nextInt(30) == 0) {
            version = pick(r, new String[] {"HTTP/2.0", "HTTP/1.10", "http/1.1", "HTTP/1"});
            f.add("bad-version");
        }
        String target = pick(r, TARGETS);
        int form = clean ? 1 + 19 * r.nextInt(2) : r.nextInt(20);
        if (form == 0) {
            target = "*";
            if (!method.equals("OPTIONS")) f.add("asterisk-not-options");
        } else if (form == 1) {
            target = "http://origin.example:81" + target;
            f.add("absolute");
        } else if (form == 2) {
            target = "origin.example:443";
            f.add("authority-form");
        } else if (form == 3) {
            target = "/a b";
            f.add("space-in-target");
        }
        h.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");

        List<String> lines = new ArrayList<>();
        // Host
        int host = clean ? 3 : r.nextInt(12);
        if (host == 0) {
            if (!http10) f.add("no-host");
        } else if (host == 1) {
            lines.add("Host: a.example");
            lines.add("Host: b.example");
            f.add("two-hosts");
        } else if (host == 2) {
            lines.add("Host: " + pick(r, new String[] {"a b", "a/b", "user@a", "[::1"}));
            f.add("bad-host");
        } else {
            lines.add("Host: " + pick(r, new String[] {"a.example", "127.0.0.1:5000", "A.Example", "[::1]:8080"}));
        }
        // framing
        boolean cl = false;
        boolean te = false;
        switch (clean ? pick(r, new int[] {0, 1, 7, 13}) : r.nextInt(14)) {
            case 0, 1, 2 -> {
                lines.add("Content-Length: " + r.nextInt(100_000));
                cl = true;
            }
            case 3 -> {
                lines.add("Content-Length: 5");
                lines.add("Content-Length: 5");
                f.add("cl-list");
                cl = true;
            }
            case 4 -> {
                lines.add("Content-Length: " + pick(r, new String[] {"5, 5", "5,5"}));
                f.add("cl-list");
                cl = true;
            }
            case 5 -> {
                lines.add("Content-Length: 5");
                lines.add("Content-Length: 6");
                f.add("cl-conflict");
                cl = true;
            }
            case 6 -> {
                lines.add("Content-Length: " + pick(r, new String[] {"+5", "-1", "0x10", "5 5", "abc", "",
                        "99999999999999999999"}));
                f.add("cl-bad");
                cl = true;
            }
            case 7, 8 -> {
                lines.add("Transfer-Encoding: " + pick(r, new String[] {"chunked", "Chunked", " chunked "}));
                te = true;
            }
            case 9 -> {
                lines.add("Transfer-Encoding: chunked, gzip");
                f.add("te-not-last");
                te = true;
            }
            case 10 -> {
                lines.add("Transfer-Encoding: " + pick(r, new String[] {"gzip, chunked", "gzip"}));
                f.add("te-unknown");
                te = true;
            }
            case 11 -> {
                lines.add("Transfer-Encoding: chunked");
                lines.add("Transfer-Encoding: chunked");
                f.add("te-twice");
                te = true;
            }
            default -> { }
        }
        if (!clean && te && r.nextInt(3) == 0) {
            lines.add("Content-Length: 7");
            f.add("cl-and-te");
        }
        if (te && http10) f.add("te-http10");
        if (cl && te) f.add("cl-and-te");
        // other headers
        int others = r.nextInt(5);
        for (int i = 0; i < others; i++) {
            switch (clean ? pick(r, new int[] {0, 5, 7, 9}) : r.nextInt(10)) {
                case 0 -> {
                    lines.add("X-High: caf\u00e9 \u00ff");
                    f.add("obs-text");
                }
                case 1 -> {
                    lines.add("X-Ctl: a" + pick(r, new String[] {"\u0001", "\u007f", "\u0000"}) + "b");
                    f.add("ctl-in-value");
                }
                case 2 -> {
                    lines.add("X-Fold: a\r\n  folded");
                    f.add("obs-fold");
                }
                case 3 -> {
                    lines.add("X-Space : a");
                    f.add("space-before-colon");
                }
                case 4 -> {
                    lines.add("Connection: " + pick(r, new String[] {"Content-Length", "Host", "Transfer-Encoding"}));
                    f.add("connection-framing");
                }
                case 5 -> lines.add("Connection: " + pick(r, new String[] {"keep-alive", "close", "X-A, X-B"}));
                case 6 -> {
                    lines.add("X-Cr: a\rb");
                    f.add("bare-cr");
                }
                case 7 -> lines.add("X-Request-Id: " + r.nextInt(1_000_000));
                case 8 -> {
                    lines.add("Bad Name: x");
                    f.add("bad-name");
                }
                default -> lines.add("X-Tab: a\tb");
            }
        }
        java.util.Collections.shuffle(lines, r);
        for (String line : lines) h.append(line).append("\r\n");
        h.append("\r\n");
        if (r.nextInt(4) == 0) {
            h.append("GET /second HTTP/1.1\r\nHost: a\r\n\r\n"); // pipelined bytes after the head
            f.add("pipelined");
        }
        return new Head(h.toString(), f);
    }

    private static int pick(Random r, int[] options) {
        return options[r.nextInt(options.length)];
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
