package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The happy path: routing, keys, header rewriting, bodies, keep-alive, admin relay, the API's error shapes. */
class FrontDoorForwardingTest {

    private FakeBackend one;
    private FakeBackend two;
    private FakeBackend admin;
    private TestPickers.Ordered picker;
    private final List<String> hashed = new CopyOnWriteArrayList<>();
    private final TestPickers.Recording listener = new TestPickers.Recording();
    private FrontDoor door;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        one = new FakeBackend(1);
        two = new FakeBackend(2);
        admin = new FakeBackend(99);
        picker = new TestPickers.Ordered(List.of(one.replica(), two.replica()));
        door = FrontDoor.builder()
                .bind("127.0.0.1", 0)
                .pickers(() -> picker)
                .listener(listener)
                .keyHasher(key -> {
                    hashed.add(key);
                    return 42;
                })
                .admin(Set.of("/rep", "/add"), new InetSocketAddress("127.0.0.1", admin.port()))
                .eventLoops(2)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        door.close();
        one.close();
        two.close();
        admin.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + door.port() + pathAndQuery));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsToThePickedReplicaAndNamesItInXServedBy() throws Exception {
        HttpResponse<String> r = get("/home");
        assertEquals(200, r.statusCode());
        assertEquals("{\"message\": \"Hello from Server: 1\", \"status\": \"successful\"}", r.body());
        assertEquals("Server1", r.headers().firstValue("X-Served-By").orElseThrow());
        assertEquals(List.of("started Server1", "finished Server1 RESPONDED"), listener.events);
        assertEquals("/home", picker.requests.getFirst().path());
    }

    @Test
    void takesTheKeyFromTheRequestIdHeaderThroughTheHasher() throws Exception {
        get("/home?id=7", "X-Request-Id", "abc-1");
        assertEquals(List.of("abc-1"), hashed);
        assertEquals(42, picker.requests.getFirst().key());
        assertEquals("/home", picker.requests.getFirst().path());
    }

    @Test
    void takesTheKeyFromTheIdQueryParameterWhenNoHeader() throws Exception {
        get("/home?x=1&id=12345");
        assertEquals(List.of("12345"), hashed);
        assertEquals(42, picker.requests.getFirst().key());
    }

    @Test
    void usesARandomSixDigitKeyWhenTheClientSendsNone() throws Exception {
        for (int i = 0; i < 20; i++) {
            get("/home");
        }
        assertTrue(hashed.isEmpty(), "random keys are not hashed");
        assertEquals(20, picker.requests.size());
        picker.requests.forEach(r -> assertTrue(r.key() >= 100_000 && r.key() <= 999_999, "key " + r.key()));
        assertTrue(picker.requests.stream().mapToLong(r -> r.key()).distinct().count() > 1);
    }

    @Test
    void turnsAReplica404IntoTheApis400() throws Exception {
        HttpResponse<String> r = get("/other");
        assertEquals(400, r.statusCode());
        assertEquals("{\"message\": \"<Error> '/other' endpoint does not exist in server replicas\", "
                + "\"status\": \"failure\"}", r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        // The connection stays usable after the dropped 404 body.
        assertEquals(200, get("/home").statusCode());
    }

    @Test
    void jsonEscapesThePathInThe400() throws Exception {
        try (RawBackend raw = new RawBackend(5, (conn, n, head) ->
                "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope".getBytes())) {
            Picker p = request -> new Pick.Routed(raw.replica());
            door.close();
            door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> p).keyHasher(k -> 1).build().start();
            try (RawClient c = new RawClient(door.port())) {
                RawClient.Response r = c.exchange("GET /a\"b\\c HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(400, r.status());
                assertEquals("{\"message\": \"<Error> '/a\\\"b\\\\c' endpoint does not exist in server replicas\", "
                        + "\"status\": \"failure\"}", r.body());
            }
        }
    }

    @Test
    void answers503FastWhenThereIsNoReplica() throws Exception {
        picker = null;
        door.close();
        Picker none = request -> new Pick.NoReplica("No replicas available");
        door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> none).keyHasher(k -> 1).build().start();
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/home");
        assertEquals(503, r.statusCode());
        assertEquals("{\"message\": \"<Error> No replicas available\", \"status\": \"failure\"}", r.body());
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
    }

    @Test
    void dropsHopByHopHeadersAndAppendsTheClientToXForwardedFor() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("GET /home HTTP/1.1\r\nHost: example\r\n"
                    + "Connection: X-Private\r\nX-Private: secret\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: websocket\r\n"
                    + "X-Forwarded-For: 10.1.2.3\r\nX-Kept: yes\r\n\r\n");
            assertEquals(200, r.status());
        }
        var h = one.seen.getFirst().headers();
        for (String hop : List.of("X-Private", "Keep-Alive", "Proxy-Connection", "TE", "Upgrade")) {
            assertNull(h.getFirst(hop), hop + " must not be forwarded");
        }
        assertEquals("yes", h.getFirst("X-Kept"));
        assertEquals("example", h.getFirst("Host"));
        assertEquals("10.1.2.3, 127.0.0.1", h.getFirst("X-Forwarded-For"));
    }

    @Test
    void dropsHopByHopHeadersFromTheResponse() throws Exception {
        try (RawBackend raw = new RawBackend(5, (conn, n, head) -> RawBackend.ok(
                "Connection: X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=9\r\nX-Public: 2\r\n", "hi"))) {
            Picker p = request -> new Pick.Routed(raw.replica());
            door.close();
            door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> p).keyHasher(k -> 1).build().start();
            try (RawClient c = new RawClient(door.port())) {
                RawClient.Response r = c.exchange("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals("hi", r.body());
                assertEquals("2", r.header("X-Public"));
                assertNull(r.header("X-Secret"));
                assertNull(r.header("Keep-Alive"));
                assertNull(r.header("Connection"));
                assertEquals("Raw5", r.header("X-Served-By"));
            }
        }
    }

    @Test
    void relaysALargeResponseWholeToAClientThatReadsInFitsAndStarts() throws Exception {
        // A client that stalls now and then makes the front door's client buffer fill and drain at every offset
        // against its upstream buffer: the response must arrive whole, not stop half-way (a past stall).
        int size = 3 * 1024 * 1024;
        String body = "y".repeat(size);
        try (RawBackend raw = new RawBackend(5, (conn, n, head) -> RawBackend.ok("", body))) {
            Picker p = request -> new Pick.Routed(raw.replica());
            door.close();
            door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> p).keyHasher(k -> 1).build().start();
            for (int round = 0; round < 3; round++) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.setReceiveBufferSize(8 * 1024);
                    socket.connect(new InetSocketAddress("127.0.0.1", door.port()));
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    java.io.InputStream in = socket.getInputStream();
                    byte[] chunk = new byte[7_000];
                    long total = 0;
                    int reads = 0;
                    for (int n; (n = in.read(chunk)) > 0; ) {
                        total += n;
                        if (++reads % 37 == round) Thread.sleep(2);
                    }
                    assertTrue(total > size, "got " + total + " bytes of a " + size + "-byte body");
                }
            }
        }
    }

    @Test
    void relaysAContentLengthPostBodyBothWays() throws Exception {
        String body = "x".repeat(100_000); // larger than the connection buffers
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + door.port()
                + "/echo")).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(body, r.body());
        assertEquals("100000", one.seen.getFirst().headers().getFirst("Content-Length"));
    }

    @Test
    void dechunksAChunkedRequestBodyForTheReplica() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("hello, world", r.body());
            // The connection is still in sync for the next request.
            assertEquals(200, c.exchange("GET /home HTTP/1.1\r\nHost: a\r\n\r\n").status());
        }
        var h = one.seen.getFirst().headers();
        assertEquals("12", h.getFirst("Content-Length"));
        assertNull(h.getFirst("Transfer-Encoding"));
    }

    @Test
    void relaysAChunkedResponseChunkedToHttp11AndDechunkedToHttp10() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertEquals("part0;part1;part2;part3;part4;", r.body());
        }
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("GET /chunked HTTP/1.0\r\n\r\n");
            assertNull(r.header("Transfer-Encoding"));
            assertEquals("part0;part1;part2;part3;part4;", r.body());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void reusesUpstreamConnectionsAcrossManyKeepAliveRequests() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            for (int i = 0; i < 50; i++) {
                RawClient.Response r = c.exchange("GET /home HTTP/1.1\r\nHost: a\r\n\r\n");
                assertEquals(200, r.status());
            }
        }
        assertEquals(50, one.hits.get());
        assertEquals(1, one.connections.size(), "one client connection at a time needs one upstream connection");
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            c.send("GET /home HTTP/1.1\r\nHost: a\r\n\r\nGET /other HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /home HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(200, c.read().status());
            assertEquals(400, c.read().status());
            RawClient.Response last = c.read();
            assertEquals(200, last.status());
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void keepsAnHttp10KeepAliveConnectionOpenAndClosesAPlainOne() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("GET /home HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals(200, c.exchange("GET /home HTTP/1.0\r\n\r\n").status());
            assertTrue(c.closedByServer());
        }
        assertEquals("127.0.0.1:" + one.port(), one.seen.getFirst().headers().getFirst("Host"),
                "a request without Host gets the replica's");
    }

    @Test
    void relaysAdminPathsToTheAdminUpstreamWithoutPicking() throws Exception {
        HttpResponse<String> r = get("/rep");
        assertEquals(404, r.statusCode(), "the admin's own answer is relayed, 404 included");
        assertEquals("Not found", r.body());
        assertFalse(r.headers().firstValue("X-Served-By").isPresent());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + door.port()
                + "/add")).POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, post.statusCode());
        assertEquals(2, admin.hits.get());
        assertEquals("{\"n\": 1}", new String(admin.seen.get(1).body()));
        assertEquals("POST", admin.seen.get(1).method());
        assertTrue(picker.requests.isEmpty());
        assertTrue(listener.events.isEmpty());
    }

    @Test
    void adminPathsMatchExactlySoOtherSpellingsGoToReplicasNotTheAdminApi() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            for (String path : List.of("/REP", "//rep", "/%72ep", "/home/../rep", "/rep/", "/rep;x", "/ADD")) {
                RawClient.Response r = c.exchange("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
                // The replica knows none of them: its 404 comes back as the SPEC's 400.
                assertEquals(400, r.status(), path);
                assertTrue(r.body().contains("endpoint does not exist in server replicas"), path + ": " + r.body());
            }
        }
        assertEquals(0, admin.hits.get(), "no other spelling reached the admin upstream");
        // (the JDK server behind answers "//rep" with its own 404 before its handler, so that one is not in seen)
        assertEquals(List.of("/REP", "/rep", "/home/../rep", "/rep/", "/rep;x", "/ADD"),
                one.seen.stream().map(FakeBackend.Seen::path).toList());
    }

    @Test
    void answersMalformedRequestsWith400AndCloses() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("NOT A REQUEST\r\n\r\n");
            assertEquals(400, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(400, c.exchange("GET /home HTTP/1.1\r\nBad Header: x\r\n\r\n").status());
        }
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(400, c.exchange("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").status(), "smuggling-shaped framing is refused");
        }
        assertEquals(0, one.hits.get());
    }

    @Test
    void answersOversizedHeadersWith431() throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("GET /home HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            assertEquals(431, r.status());
            assertTrue(c.closedByServer());
        }
    }
}
