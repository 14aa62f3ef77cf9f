package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failures: refused connections, stale pooled connections, timeouts, and what the listener hears about them. */
class FrontDoorFailureTest {

    @RegisterExtension
    final DoorFixture fixture = new DoorFixture();
    private final TestPickers.Recording listener = new TestPickers.Recording();
    private FrontDoor door;

    private FrontDoor start(TestPickers.Ordered picker, Duration responseTimeout) throws Exception {
        door = fixture.start(fixture.builder()
                .pickers(() -> picker)
                .listener(listener)
                .responseTimeout(responseTimeout)
                .connectTimeout(Duration.ofMillis(500)));
        return door;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n";
    }

    @Test
    void retriesAGetOnTheNextReplicaWhenConnectingFails() throws Exception {
        FakeBackend live = fixture.backend(2);
        start(new TestPickers.Ordered(List.of(DoorFixture.refusing(1), live.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            for (int i = 0; i < 5; i++) {
                RawClient.Response r = c.exchange(get("/home"));
                assertEquals(200, r.status(), "the client sees no error");
                assertEquals("Server2", r.header("X-Served-By"));
            }
        }
        assertEquals(List.of("started Dead1", "finished Dead1 CONNECT_FAILED",
                "started Server2", "finished Server2 RESPONDED"), listener.events.subList(0, 4));
        assertEquals(20, listener.events.size());
    }

    @Test
    void answers502WhenEveryReplicaFails() throws Exception {
        start(new TestPickers.Ordered(List.of(DoorFixture.refusing(1), DoorFixture.refusing(2))), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange(get("/home"));
            assertEquals(502, r.status());
            assertEquals("{\"message\": \"<Error> No replica could serve the request\", \"status\": \"failure\"}",
                    r.body());
        }
        assertEquals(List.of("started Dead1", "finished Dead1 CONNECT_FAILED",
                "started Dead2", "finished Dead2 CONNECT_FAILED"), listener.events);
    }

    @Test
    void stopsAfterMaxTries() throws Exception {
        FakeBackend live = fixture.backend(4);
        TestPickers.Ordered picker = new TestPickers.Ordered(List.of(DoorFixture.refusing(1), DoorFixture.refusing(2), DoorFixture.refusing(3), live.replica()));
        start(picker, Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(502, c.exchange(get("/home")).status(), "three tries by default, the fourth is not made");
        }
        assertEquals(0, live.hits.get());
    }

    @Test
    void doesNotRetryAPostOnAnotherReplica() throws Exception {
        FakeBackend live = fixture.backend(2);
        start(new TestPickers.Ordered(List.of(DoorFixture.refusing(1), live.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
            assertEquals(502, r.status());
        }
        assertEquals(0, live.hits.get());
        assertEquals(List.of("started Dead1", "finished Dead1 CONNECT_FAILED"), listener.events);
    }

    @Test
    void retriesTransparentlyOnAFreshConnectionWhenAPooledOneWasClosedByTheReplica() throws Exception {
        // Answers the first request of each connection, then drops the connection on the second without answering:
        // exactly what a replica's idle timeout racing with a reused connection looks like.
        RawBackend raw = new RawBackend(1, (conn, n, head) -> n == 1 ? RawBackend.ok("", "conn" + conn) : null);
        fixture.closeAfter(raw);
        start(new TestPickers.Ordered(List.of(raw.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            assertEquals("conn1", c.exchange(get("/a")).body());
            assertEquals("conn2", c.exchange(get("/a")).body());
            RawClient.Response post = c.exchange("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx");
            assertEquals("conn3", post.body(), "also for a POST: the replica never saw it");
        }
        assertEquals(List.of("started Raw1", "finished Raw1 RESPONDED", "started Raw1", "finished Raw1 RESPONDED",
                "started Raw1", "finished Raw1 RESPONDED"), listener.events);
    }

    @Test
    void answers504WhenTheReplicaIsTooSlowAndDoesNotRetry() throws Exception {
        FakeBackend slow = fixture.backend(1);
        FakeBackend other = fixture.backend(2);
        start(new TestPickers.Ordered(List.of(slow.replica(), other.replica())), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange(get("/slow"));
            assertEquals(504, r.status());
            assertEquals("{\"message\": \"<Error> Replica Server1 timed out\", \"status\": \"failure\"}", r.body());
            assertEquals(200, c.exchange(get("/home")).status(), "the client connection survives");
        }
        assertTrue(System.nanoTime() - t0 < 1_900_000_000L, "answered before the replica finished");
        assertEquals(0, other.hits.get());
        assertEquals(List.of("started Server1", "finished Server1 TIMED_OUT"), listener.events.subList(0, 2));
    }

    @Test
    void aGetWaitingOnAReplicaDeclaredDeadMovesToTheNextAtOnce() throws Exception {
        // A paused container: accepts the request, never answers, keeps the connection open.
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        RawBackend hung = new RawBackend(1, (conn, n, head) -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        fixture.closeAfter(released::countDown);
        fixture.closeAfter(hung);
        FakeBackend live = fixture.backend(2);
        start(new TestPickers.Ordered(List.of(hung.replica(), live.replica())), Duration.ofSeconds(30));
        try (RawClient c = new RawClient(door.port())) {
            java.util.concurrent.CompletableFuture<RawClient.Response> answer =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return c.exchange(get("/home"));
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (hung.requests.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, hung.requests.get(), "the request reached the hung replica");
            long t0 = System.nanoTime();
            door.replicaLeft(hung.replica());
            RawClient.Response r = answer.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, r.status(), "the client sees no error");
            assertEquals("Server2", r.header("X-Served-By"));
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "not held until the 30 s response timeout");
        }
        assertEquals(List.of("started Raw1", "finished Raw1 CONNECT_FAILED", "started Server2"),
                listener.events.subList(0, 3));
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsAResetAndTheRetryIsTheSecondAttempt() throws Exception {
        RawBackend raw = new RawBackend(1, (conn, n, head) -> null);
        fixture.closeAfter(raw);
        FakeBackend live = fixture.backend(2);
        start(new TestPickers.Ordered(List.of(raw.replica(), live.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(200, c.exchange(get("/home")).status());
        }
        assertEquals(List.of("started Raw1", "finished Raw1 RESET", "started Server2", "finished Server2 RESPONDED"),
                listener.events);
        assertEquals(List.of(1, 2), listener.attempts);
        assertEquals(List.of(200), listener.statuses, "only the answer's status is reported");
    }

    @Test
    void answers502WhenTheReplicaSendsGarbage() throws Exception {
        RawBackend raw = new RawBackend(1, (conn, n, head) -> "NONSENSE\r\n\r\n".getBytes());
        fixture.closeAfter(raw);
        start(new TestPickers.Ordered(List.of(raw.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(502, c.exchange(get("/a")).status());
        }
        assertEquals(List.of("started Raw1", "finished Raw1 BAD_RESPONSE"), listener.events);
    }

    @Test
    void answers502WhenTheReplicasStatusCodeIsNotThreeDigits() throws Exception {
        // RFC 9112 §4: status-code = 3DIGIT, then SP; "2000" is not read as 200 with a reason phrase of "0 OK"
        RawBackend raw = new RawBackend(1, (conn, n, head) ->
                "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n".getBytes());
        fixture.closeAfter(raw);
        start(new TestPickers.Ordered(List.of(raw.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(502, c.exchange(get("/a")).status());
        }
        assertEquals(List.of("started Raw1", "finished Raw1 BAD_RESPONSE"), listener.events);
    }

    @Test
    void relaysAResponseThatEndsWhenTheReplicaClosesAndThenClosesTheClient() throws Exception {
        RawBackend raw = new RawBackend(1, (conn, n, head) ->
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close".getBytes());
        fixture.closeAfter(raw);
        start(new TestPickers.Ordered(List.of(raw.replica())), Duration.ofSeconds(5));
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange(get("/a"));
            assertEquals("until close", r.body());
            assertEquals("close", r.header("Connection"), "no length to offer, so the client connection closes");
        }
        assertEquals(List.of("started Raw1", "finished Raw1 RESPONDED"), listener.events);
    }
}
