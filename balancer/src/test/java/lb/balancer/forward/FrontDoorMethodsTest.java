package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import lb.balancer.replica.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11.5: every method is forwarded with its body (not only GET), retries only for idempotent methods, and a
 * replica's 405 stays a 405 (only its 404 becomes the SPEC's 400).
 */
class FrontDoorMethodsTest {

    private static final List<String> WITH_BODIES = List.of("POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @RegisterExtension
    final DoorFixture fixture = new DoorFixture();
    private final TestPickers.Recording listener = new TestPickers.Recording();
    private FrontDoor door;

    private void start(List<Replica> order) throws Exception {
        TestPickers.Ordered picker = new TestPickers.Ordered(order);
        door = fixture.start(fixture.builder().pickers(() -> picker).listener(listener)
                .connectTimeout(Duration.ofMillis(500)).eventLoops(1));
    }

    @Test
    void everyMethodIsForwardedWithItsContentLengthBodyOnOneKeepAliveConnection() throws Exception {
        FakeBackend b = fixture.backend(1);
        start(List.of(b.replica()));
        try (RawClient c = new RawClient(door.port())) {
            for (String method : WITH_BODIES) {
                String body = "payload of " + method;
                RawClient.Response r = c.exchange(method + " /echo HTTP/1.1\r\nHost: a\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
                assertEquals(200, r.status(), method);
                assertEquals(method, r.header("X-Echo-Method"));
                assertEquals(body, r.body(), method);
            }
        }
        assertEquals(WITH_BODIES, b.seen.stream().map(FakeBackend.Seen::method).toList());
        assertEquals(WITH_BODIES.stream().map(m -> "payload of " + m).toList(),
                b.seen.stream().map(s -> new String(s.body())).toList());
    }

    @Test
    void everyMethodIsForwardedWithAChunkedBody() throws Exception {
        FakeBackend b = fixture.backend(1);
        start(List.of(b.replica()));
        try (RawClient c = new RawClient(door.port())) {
            for (String method : WITH_BODIES) {
                RawClient.Response r = c.exchange(method + " /echo HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
                assertEquals(200, r.status(), method);
                assertEquals(method, r.header("X-Echo-Method"));
                assertEquals("abcdefg", r.body(), method);
            }
        }
        assertEquals(WITH_BODIES, b.seen.stream().map(FakeBackend.Seen::method).toList());
    }

    @Test
    void headIsForwardedAndItsBodilessAnswerKeepsTheConnectionInSync() throws Exception {
        FakeBackend b = fixture.backend(1);
        start(List.of(b.replica()));
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response head = c.send("HEAD /home HTTP/1.1\r\nHost: a\r\n\r\n").readBodiless();
            assertEquals(200, head.status());
            assertEquals("Server1", head.header("X-Served-By"));
            RawClient.Response next = c.exchange("GET /home HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(200, next.status());
            assertEquals("{\"message\": \"Hello from Server: 1\", \"status\": \"successful\"}", next.body());
        }
        assertEquals(List.of("HEAD", "GET"), b.seen.stream().map(FakeBackend.Seen::method).toList());
    }

    @Test
    void aReplicas405StaysA405AndOnlyIts404BecomesThe400() throws Exception {
        FakeBackend b = fixture.backend(1);
        start(List.of(b.replica()));
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("DELETE /405 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(405, r.status());
            assertEquals("{\"message\": \"no such method\"}", r.body());
            assertEquals("Server1", r.header("X-Served-By"));
            assertEquals(400, c.exchange("GET /nothing-here HTTP/1.1\r\nHost: a\r\n\r\n").status());
        }
    }

    @Test
    void idempotentMethodsMoveToTheNextReplicaWhenConnectingFailsAndOthersDoNot() throws Exception {
        FakeBackend live = fixture.backend(2);
        start(List.of(DoorFixture.refusing(1), live.replica()));
        for (String method : List.of("PUT", "DELETE", "OPTIONS", "HEAD")) {
            try (RawClient c = new RawClient(door.port())) {
                c.send(method + " /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
                RawClient.Response r = method.equals("HEAD") ? c.readBodiless() : c.read();
                assertEquals(200, r.status(), method + " is idempotent (RFC 9110 §9.2.2): retried");
                assertEquals("Server2", r.header("X-Served-By"), method);
            }
        }
        for (String method : List.of("POST", "PATCH")) {
            try (RawClient c = new RawClient(door.port())) {
                RawClient.Response r = c.exchange(method + " /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
                assertEquals(502, r.status(), method + " is not idempotent: never sent twice");
            }
        }
        assertEquals(List.of("PUT", "DELETE", "OPTIONS", "HEAD"),
                live.seen.stream().map(FakeBackend.Seen::method).toList());
    }
}
